package renalseg.roi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Compact bytes for ROIs in Spark tables. Arrays: a 9-byte header (magic 'R', kind, element count) then
 * deflate of the little-endian values; floats are byte-shuffled first (all first bytes, then all second
 * bytes, ...), which lets deflate find the runs in smooth CT. Whole ROIs: header fields then both arrays.
 */
public final class RoiCodec {

    private static final byte MAGIC = 'R';
    private static final byte FLOATS = 'f';
    private static final byte BYTES = 'b';
    private static final byte ROI = 'r';

    private RoiCodec() {
    }

    public static byte[] encodeFloats(float[] v) {
        byte[] raw = new byte[v.length * 4];
        int n = v.length;
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToRawIntBits(v[i]);
            raw[i] = (byte) bits;
            raw[n + i] = (byte) (bits >>> 8);
            raw[2 * n + i] = (byte) (bits >>> 16);
            raw[3 * n + i] = (byte) (bits >>> 24);
        }
        return pack(FLOATS, n, raw);
    }

    public static float[] decodeFloats(byte[] packed) {
        int n = count(packed, FLOATS);
        byte[] raw = inflate(packed, n * 4);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            int bits = (raw[i] & 0xff) | (raw[n + i] & 0xff) << 8 | (raw[2 * n + i] & 0xff) << 16
                | (raw[3 * n + i] & 0xff) << 24;
            v[i] = Float.intBitsToFloat(bits);
        }
        return v;
    }

    public static byte[] encodeBytes(byte[] v) {
        return pack(BYTES, v.length, v);
    }

    public static byte[] decodeBytes(byte[] packed) {
        return inflate(packed, count(packed, BYTES));
    }

    /** A whole ROI in one byte array (case id, side, box, voxels, labels or none). */
    public static byte[] encode(KidneyRoi r) {
        byte[] id = r.caseId().getBytes(StandardCharsets.UTF_8);
        byte[] vox = encodeFloats(r.voxels());
        byte[] lab = r.labels() == null ? new byte[0] : encodeBytes(r.labels());
        ByteBuffer b = ByteBuffer.allocate(2 + 4 + id.length + 1 + 24 + 8 + vox.length + lab.length)
            .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put(ROI).putInt(id.length).put(id).put((byte) r.side().ordinal());
        RoiBox x = r.box();
        b.putInt(x.x0()).putInt(x.y0()).putInt(x.z0()).putInt(x.nx()).putInt(x.ny()).putInt(x.nz());
        b.putInt(vox.length).put(vox).putInt(lab.length).put(lab);
        return b.array();
    }

    public static KidneyRoi decode(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 2 || b.get() != MAGIC || b.get() != ROI) {
            throw new IllegalArgumentException("not an encoded ROI");
        }
        byte[] id = new byte[b.getInt()];
        b.get(id);
        KidneySide side = KidneySide.values()[b.get()];
        RoiBox box = new RoiBox(b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt());
        byte[] vox = new byte[b.getInt()];
        b.get(vox);
        byte[] lab = new byte[b.getInt()];
        b.get(lab);
        return new KidneyRoi(new String(id, StandardCharsets.UTF_8), side, box, decodeFloats(vox),
            lab.length == 0 ? null : decodeBytes(lab));
    }

    private static byte[] pack(byte kind, int count, byte[] raw) {
        Deflater d = new Deflater(Deflater.BEST_SPEED);
        try {
            d.setInput(raw);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
            out.write(MAGIC);
            out.write(kind);
            byte[] n = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(count).array();
            out.write(n, 0, 4);
            out.write(0); // reserved
            byte[] buf = new byte[1 << 16];
            while (!d.finished()) {
                int k = d.deflate(buf);
                out.write(buf, 0, k);
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    private static int count(byte[] packed, byte kind) {
        if (packed.length < 7 || packed[0] != MAGIC || packed[1] != kind) {
            throw new IllegalArgumentException("not an encoded " + (kind == FLOATS ? "float" : "byte") + " array");
        }
        return ByteBuffer.wrap(packed, 2, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static byte[] inflate(byte[] packed, int size) {
        Inflater inf = new Inflater();
        try {
            inf.setInput(packed, 7, packed.length - 7);
            byte[] out = new byte[size];
            int got = 0;
            while (got < size) {
                int k = inf.inflate(out, got, size - got);
                if (k == 0 && (inf.finished() || inf.needsInput())) {
                    break;
                }
                got += k;
            }
            if (got != size) {
                throw new IllegalArgumentException("encoded array is truncated: " + got + " of " + size + " bytes");
            }
            return out;
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("encoded array is corrupt: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }
}
