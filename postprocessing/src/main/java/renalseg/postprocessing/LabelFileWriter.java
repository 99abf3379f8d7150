package renalseg.postprocessing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import renalseg.io.NiftiDatatype;
import renalseg.io.NiftiWriter;
import renalseg.volume.LabelVolume;

/**
 * Writes a label map as NIfTI-1 in any datatype, so that a post-processed segmentation keeps the datatype
 * of the file it came from (KiTS19 stores uint8, other tools int16, int32 or float). The header is
 * {@link NiftiWriter}'s (affine in sform and qform), with datatype and bitpix set to the requested type.
 */
public final class LabelFileWriter {

    private static final int VOX_OFFSET = 352;
    private static final int CHUNK = 1 << 16;

    private LabelFileWriter() {
    }

    public static void write(Path path, LabelVolume labels, NiftiDatatype type) throws IOException {
        NiftiWriter.writeFile(path, out -> write(out, labels, type));
    }

    public static void write(OutputStream out, LabelVolume labels, NiftiDatatype type) throws IOException {
        if (type == NiftiDatatype.UINT8) {
            NiftiWriter.write(out, labels);
            return;
        }
        HeaderCapture capture = new HeaderCapture();
        NiftiWriter.write(capture, labels);
        ByteBuffer header = ByteBuffer.wrap(capture.header).order(ByteOrder.LITTLE_ENDIAN);
        header.putShort(70, (short) type.code);
        header.putShort(72, (short) type.bitpix);
        out.write(capture.header);
        byte[] l = labels.labels();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < l.length; start += CHUNK) {
            int end = Math.min(l.length, start + CHUNK);
            buf.clear();
            for (int i = start; i < end; i++) {
                int v = l[i] & 0xff;
                switch (type) {
                    case INT8 -> {
                        if (v > Byte.MAX_VALUE) {
                            throw new IllegalArgumentException("label " + v + " does not fit int8");
                        }
                        buf.put((byte) v);
                    }
                    case INT16, UINT16 -> buf.putShort((short) v);
                    case INT32, UINT32 -> buf.putInt(v);
                    case INT64, UINT64 -> buf.putLong(v);
                    case FLOAT32 -> buf.putFloat(v);
                    case FLOAT64 -> buf.putDouble(v);
                    default -> throw new IllegalArgumentException("cannot write labels as " + type.label);
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
        out.flush();
    }

    /** Keeps the first 352 bytes written (header and extension flag) and drops the rest. */
    private static final class HeaderCapture extends OutputStream {
        final byte[] header = new byte[VOX_OFFSET];
        private long written;

        @Override
        public void write(int b) {
            if (written < VOX_OFFSET) {
                header[(int) written] = (byte) b;
            }
            written++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (written < VOX_OFFSET) {
                int n = (int) Math.min(len, VOX_OFFSET - written);
                System.arraycopy(b, off, header, (int) written, n);
            }
            written += len;
        }
    }
}
