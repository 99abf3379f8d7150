package renalseg.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import renalseg.util.InputError;

/**
 * Parses the NIfTI-1 / NIfTI-2 header of a (possibly gzipped) stream into a {@link NiftiHeader} with
 * nibabel's load-time fixes and best affine; {@link NiftiHeaderRules} then checks it.
 */
final class NiftiHeaderParser {

    static final int N1_HEADER = 348;
    static final int N2_HEADER = 540;

    private NiftiHeaderParser() {
    }

    /** A decompressed stream: its stored length says nothing about vox_offset. */
    static final class Gunzipped extends BufferedInputStream {
        Gunzipped(InputStream in) {
            super(in, 1 << 16);
        }
    }

    /** Gzip is recognised from its magic bytes, so a misnamed file still reads (nibabel goes by name). */
    static InputStream decompressed(InputStream raw, String name) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new Gunzipped(new GZIPInputStream(in, 1 << 16));
        }
        return in;
    }

    static NiftiHeader parseHeader(InputStream in, String name) throws IOException {
        byte[] first = new byte[4];
        int got = in.readNBytes(first, 0, 4);
        if (got < 4) {
            throw new InputError(name + ": not a NIfTI file (only " + got + " bytes)");
        }
        int le = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int be = ByteBuffer.wrap(first).order(ByteOrder.BIG_ENDIAN).getInt();
        ByteOrder order;
        int size;
        if (le == N1_HEADER || le == N2_HEADER) {
            order = ByteOrder.LITTLE_ENDIAN;
            size = le;
        } else if (be == N1_HEADER || be == N2_HEADER) {
            order = ByteOrder.BIG_ENDIAN;
            size = be;
        } else {
            throw new InputError(name + ": not a NIfTI file (wrong magic: sizeof_hdr is " + le
                + ", expected 348 for NIfTI-1 or 540 for NIfTI-2)");
        }
        byte[] all = new byte[size];
        System.arraycopy(first, 0, all, 0, 4);
        if (in.readNBytes(all, 4, size - 4) < size - 4) {
            throw new InputError(name + ": truncated file (header shorter than " + size + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(order);
        return size == N1_HEADER ? parseNifti1(b, name) : parseNifti2(b, name);
    }

    private static String magic(ByteBuffer b, int at, int len) {
        byte[] m = new byte[len];
        for (int i = 0; i < len; i++) {
            m[i] = b.get(at + i);
        }
        return new String(m, StandardCharsets.ISO_8859_1);
    }

    private static NiftiHeader parseNifti1(ByteBuffer b, String name) {
        String magic = magic(b, 344, 4);
        if (magic.equals("ni1\0")) {
            throw new InputError(name + ": a NIfTI-1 pair header (.hdr/.img); only single-file .nii is read");
        }
        if (!magic.equals("n+1\0")) {
            throw new InputError(name + ": wrong magic " + printable(magic) + " (expected \"n+1\" for NIfTI-1)");
        }
        long[] dim = new long[8];
        for (int i = 0; i < 8; i++) {
            dim[i] = b.getShort(40 + 2 * i);
        }
        int code = b.getShort(70);
        double[] pixdim = new double[8];
        for (int i = 0; i < 8; i++) {
            pixdim[i] = b.getFloat(76 + 4 * i);
        }
        double rawOffset = b.getFloat(108);
        NiftiHeaderRules.checkVoxOffset(name, rawOffset);
        long voxOffset = (long) rawOffset;
        double slope = b.getFloat(112);
        double inter = b.getFloat(116);
        int qcode = b.getShort(252);
        int scode = b.getShort(254);
        double[] quat = {b.getFloat(256), b.getFloat(260), b.getFloat(264)};
        double[] qoff = {b.getFloat(268), b.getFloat(272), b.getFloat(276)};
        double[][] srow = new double[3][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                srow[r][c] = b.getFloat(280 + 16 * r + 4 * c);
            }
        }
        return build(name, 1, b.order(), dim, code, pixdim, voxOffset, N1_HEADER + 4, slope, inter, qcode, scode,
            quat, qoff, srow);
    }

    private static NiftiHeader parseNifti2(ByteBuffer b, String name) {
        String magic = magic(b, 4, 4);
        if (magic.equals("ni2\0")) {
            throw new InputError(name + ": a NIfTI-2 pair header (.hdr/.img); only single-file .nii is read");
        }
        if (!magic.equals("n+2\0")) {
            throw new InputError(name + ": wrong magic " + printable(magic) + " (expected \"n+2\" for NIfTI-2)");
        }
        int code = b.getShort(12);
        long[] dim = new long[8];
        for (int i = 0; i < 8; i++) {
            dim[i] = b.getLong(16 + 8 * i);
        }
        double[] pixdim = new double[8];
        for (int i = 0; i < 8; i++) {
            pixdim[i] = b.getDouble(104 + 8 * i);
        }
        long voxOffset = b.getLong(168);
        NiftiHeaderRules.checkVoxOffset(name, voxOffset);
        double slope = b.getDouble(176);
        double inter = b.getDouble(184);
        int qcode = b.getInt(344);
        int scode = b.getInt(348);
        double[] quat = {b.getDouble(352), b.getDouble(360), b.getDouble(368)};
        double[] qoff = {b.getDouble(376), b.getDouble(384), b.getDouble(392)};
        double[][] srow = new double[3][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                srow[r][c] = b.getDouble(400 + 32 * r + 8 * c);
            }
        }
        return build(name, 2, b.order(), dim, code, pixdim, voxOffset, N2_HEADER + 4, slope, inter, qcode, scode,
            quat, qoff, srow);
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c >= 32 && c < 127) {
                sb.append(c);
            } else {
                sb.append(String.format("\\x%02x", (int) c));
            }
        }
        return sb.append('"').toString();
    }

    private static NiftiHeader build(String name, int version, ByteOrder order, long[] dim, int code,
                                     double[] pixdim, long voxOffset, int minOffset, double slope, double inter,
                                     int qcode, int scode, double[] quat, double[] qoff, double[][] srow) {
        if (dim[0] < 1 || dim[0] > 7) {
            throw NiftiHeaderRules.bad(name, "dim[0]", dim[0], "must be 1..7");
        }
        for (int a = 1; a <= dim[0]; a++) {
            if (dim[a] < 1) {
                throw NiftiHeaderRules.bad(name, "dim[" + a + "]", dim[a], "must be positive");
            }
        }
        for (int a = 4; a <= dim[0]; a++) {
            if (dim[a] != 1) {
                throw new InputError(name + ": holds more than one volume (dim[" + a + "] = " + dim[a]
                    + "); a single 3-D volume is expected");
            }
        }
        NiftiDatatype type = NiftiDatatype.ofCode(code);
        if (type == null) {
            throw new InputError(name + ": bad header: datatype = " + code + NiftiDatatype.unreadableName(code)
                + " (readable: uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32, float64)");
        }
        // nibabel's load-time fixes: qfac not +-1 becomes 1; negative pixdims become positive
        if (pixdim[0] != 1 && pixdim[0] != -1) {
            pixdim[0] = 1;
        }
        for (int i = 1; i < 8; i++) {
            pixdim[i] = Math.abs(pixdim[i]);
        }
        // nibabel moves a single-file offset below the end of the header to its minimum; for an offset of 0
        // it would read the header itself as voxels, so 0 is treated the same way here
        long offset = Math.max(voxOffset, minOffset);
        double[][] affine;
        if (scode != 0) {
            affine = new double[][] {srow[0], srow[1], srow[2], {0, 0, 0, 1}};
        } else if (qcode != 0) {
            affine = qformAffine(name, quat, qoff, pixdim);
        } else {
            affine = baseAffine(dim, pixdim);
        }
        return new NiftiHeader(name, version, order == ByteOrder.BIG_ENDIAN, dim, type, pixdim, offset, slope, inter,
            qcode, scode, affine);
    }

    /** nibabel's {@code get_qform}: rotation from the quaternion, times spacing with qfac on the third. */
    static double[][] qformAffine(String name, double[] bcd, double[] off, double[] pixdim) {
        double b = bcd[0];
        double c = bcd[1];
        double d = bcd[2];
        double w2 = 1 - (b * b + c * c + d * d);
        // nibabel's threshold for float32 quaternions: -3 * float32 eps
        if (w2 < -3 * Math.ulp(1.0f)) {
            throw new InputError(name + ": bad header: qform quaternion (" + b + ", " + c + ", " + d
                + ") has norm above 1");
        }
        double a = w2 < 0 ? 0 : Math.sqrt(w2);
        double[][] r = {
            {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
            {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
            {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - b * b - c * c}};
        double[] s = {pixdim[1], pixdim[2], pixdim[3] * pixdim[0]};
        double[][] m = new double[4][4];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                m[i][j] = r[i][j] * s[j];
            }
            m[i][3] = off[i];
        }
        m[3][3] = 1;
        return m;
    }

    /** nibabel's {@code get_base_affine}: pixdim spacing, x flipped, the centre of the grid at 0. */
    static double[][] baseAffine(long[] dim, double[] pixdim) {
        double[] z = new double[3];
        double[] n = new double[3];
        for (int a = 0; a < 3; a++) {
            n[a] = a < dim[0] ? dim[a + 1] : 1;
            z[a] = a < dim[0] ? pixdim[a + 1] : 1;
        }
        return new double[][] {
            {-z[0], 0, 0, (n[0] - 1) / 2 * z[0]},
            {0, z[1], 0, -(n[1] - 1) / 2 * z[1]},
            {0, 0, z[2], -(n[2] - 1) / 2 * z[2]},
            {0, 0, 0, 1}};
    }

}
