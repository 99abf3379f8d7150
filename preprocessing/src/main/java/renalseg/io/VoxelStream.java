package renalseg.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import renalseg.util.InputError;

/** Streams the voxels of a NIfTI file after its header, in chunks, decoded to double. */
final class VoxelStream {

    private static final int CHUNK_VOXELS = 1 << 16;

    private VoxelStream() {
    }

    @FunctionalInterface
    interface ChunkSink {
        void accept(double[] values, int count, int offset);
    }

    static void readVoxels(InputStream in, NiftiHeader h, ChunkSink sink) throws IOException {
        String name = h.source();
        long headerEnd = h.version() == 1 ? NiftiHeaderParser.N1_HEADER : NiftiHeaderParser.N2_HEADER;
        long skip = h.voxOffset() - headerEnd;
        skipFully(in, skip, name, h.voxOffset());
        NiftiDatatype t = h.datatype();
        int bytes = t.bytes();
        long total = h.voxelCount();
        byte[] raw = new byte[CHUNK_VOXELS * bytes];
        double[] vals = new double[CHUNK_VOXELS];
        ByteBuffer buf = ByteBuffer.wrap(raw).order(h.byteOrder());
        for (long start = 0; start < total; start += CHUNK_VOXELS) {
            int count = (int) Math.min(CHUNK_VOXELS, total - start);
            int want = count * bytes;
            int got = in.readNBytes(raw, 0, want);
            if (got < want) {
                throw new InputError(name + ": truncated file: voxel data ends after "
                    + (start * bytes + got) + " of " + total * bytes + " bytes");
            }
            decode(buf, t, count, vals);
            sink.accept(vals, count, (int) start);
        }
    }

    private static void skipFully(InputStream in, long n, String name, long offset) throws IOException {
        long left = n;
        byte[] scratch = new byte[8192];
        while (left > 0) {
            int got = in.read(scratch, 0, (int) Math.min(scratch.length, left));
            if (got < 0) {
                throw new InputError(name + ": truncated file: ends before vox_offset " + offset);
            }
            left -= got;
        }
    }

    private static void decode(ByteBuffer b, NiftiDatatype t, int count, double[] out) {
        switch (t) {
            case UINT8 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = b.get(i) & 0xff;
                }
            }
            case INT8 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = b.get(i);
                }
            }
            case INT16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = b.getShort(2 * i);
                }
            }
            case UINT16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = b.getShort(2 * i) & 0xffff;
                }
            }
            case INT32 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = b.getInt(4 * i);
                }
            }
            case UINT32 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = b.getInt(4 * i) & 0xffffffffL;
                }
            }
            case INT64 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = b.getLong(8 * i);
                }
            }
            case UINT64 -> {
                for (int i = 0; i < count; i++) {
                    long v = b.getLong(8 * i);
                    out[i] = v >= 0 ? v : (double) (v >>> 1) * 2 + (v & 1);
                }
            }
            case FLOAT32 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = b.getFloat(4 * i);
                }
            }
            case FLOAT64 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = b.getDouble(8 * i);
                }
            }
            default -> throw new IllegalStateException("datatype " + t);
        }
    }
}
