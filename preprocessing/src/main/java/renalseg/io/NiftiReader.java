package renalseg.io;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import renalseg.util.InputError;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * Reads single-file NIfTI-1 and NIfTI-2 ({@code .nii}, or gzipped: detected from the content, not the
 * name), either byte order, the integer and float datatypes, with scl_slope/scl_inter applied, as
 * nibabel reads them. 3-D volumes and 4-D+ ones with a single volume. Every problem with a file is an
 * {@link InputError} naming the file; sizes are checked against a limit before anything is allocated.
 */
public final class NiftiReader {

    /** Default limit: 2^29 voxels = 2 GiB of float32 (a 512 x 512 x 2048 CT fits). */
    public static final long DEFAULT_MAX_VOXELS = 1L << 29;

    private static final int N1_HEADER = 348;
    private static final int N2_HEADER = 540;
    private static final int CHUNK_VOXELS = 1 << 16;

    private final long maxVoxels;

    /** A reader that refuses volumes of more than {@code maxVoxels} voxels (checked from the header). */
    public NiftiReader(long maxVoxels) {
        if (maxVoxels <= 0) {
            throw new IllegalArgumentException("maxVoxels must be positive");
        }
        this.maxVoxels = Math.min(maxVoxels, Integer.MAX_VALUE - 8);
    }

    public static NiftiReader withDefaults() {
        return new NiftiReader(DEFAULT_MAX_VOXELS);
    }

    public long maxVoxels() {
        return maxVoxels;
    }

    // ---- static conveniences with the default limit -------------------------------------------------

    public static NiftiImage read(Path path) {
        return withDefaults().image(path);
    }

    public static NiftiHeader readHeader(Path path) {
        return withDefaults().header(path);
    }

    public static LabelVolume readLabels(Path path) {
        return withDefaults().labels(path);
    }

    // ---- files ----------------------------------------------------------------------------------------

    public NiftiHeader header(Path path) {
        try (InputStream in = openFile(path)) {
            return header(in, path.toString());
        } catch (IOException e) {
            throw ioError(path.toString(), e);
        }
    }

    public NiftiImage image(Path path) {
        try (InputStream in = openFile(path)) {
            return image(in, path.toString());
        } catch (IOException e) {
            throw ioError(path.toString(), e);
        }
    }

    public LabelVolume labels(Path path) {
        try (InputStream in = openFile(path)) {
            return labels(in, path.toString());
        } catch (IOException e) {
            throw ioError(path.toString(), e);
        }
    }

    public VolumeStats stats(Path path) {
        try (InputStream in = openFile(path)) {
            return stats(in, path.toString());
        } catch (IOException e) {
            throw ioError(path.toString(), e);
        }
    }

    private static InputStream openFile(Path path) {
        try {
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new InputError(path + ": file not found");
        } catch (IOException e) {
            throw new InputError(path + ": cannot open: " + e.getMessage(), e);
        }
    }

    // ---- streams (Hadoop FileSystem, S3, ...); the caller closes the stream ----------------------------

    /** The header alone (reads a few hundred bytes). */
    public NiftiHeader header(InputStream raw, String name) {
        try {
            return parseHeader(decompressed(raw, name), name);
        } catch (IOException e) {
            throw ioError(name, e);
        }
    }

    /** The image with scaled values as float32. */
    public NiftiImage image(InputStream raw, String name) {
        try {
            InputStream in = decompressed(raw, name);
            NiftiHeader h = parseHeader(in, name);
            int n = checkSize(h);
            float[] v = new float[n];
            double slope = h.slope();
            double inter = h.inter();
            readVoxels(in, h, (vals, count, offset) -> {
                for (int i = 0; i < count; i++) {
                    v[offset + i] = (float) (vals[i] * slope + inter);
                }
            });
            return new NiftiImage(h, new ImageVolume(h.geometry(), v));
        } catch (IOException e) {
            throw ioError(name, e);
        }
    }

    /** A label map: every scaled value must be an integer in 0..255. */
    public LabelVolume labels(InputStream raw, String name) {
        try {
            InputStream in = decompressed(raw, name);
            NiftiHeader h = parseHeader(in, name);
            int n = checkSize(h);
            byte[] out = new byte[n];
            double slope = h.slope();
            double inter = h.inter();
            readVoxels(in, h, (vals, count, offset) -> {
                for (int i = 0; i < count; i++) {
                    double x = vals[i] * slope + inter;
                    if (!(x >= 0 && x <= 255 && x == Math.rint(x))) {
                        throw new InputError(name + ": not a label map: value " + x + " at voxel " + (offset + i)
                            + " (labels must be integers 0..255)");
                    }
                    out[offset + i] = (byte) (int) x;
                }
            });
            return new LabelVolume(h.geometry(), out);
        } catch (IOException e) {
            throw ioError(name, e);
        }
    }

    /** Min, max, mean and (for few distinct integer values) counts of the scaled values, streamed. */
    public VolumeStats stats(InputStream raw, String name) {
        try {
            InputStream in = decompressed(raw, name);
            NiftiHeader h = parseHeader(in, name);
            checkSize(h);
            double slope = h.slope();
            double inter = h.inter();
            double[] acc = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, 0};
            long[] nan = {0};
            // distinct values so far (at most MAX_DISTINCT + 1): a linear scan beats a boxed map here
            double[] keys = new double[VolumeStats.MAX_DISTINCT + 1];
            long[] cnt = new long[VolumeStats.MAX_DISTINCT + 1];
            int[] distinct = {0};
            boolean[] countable = {true};
            readVoxels(in, h, (vals, count, offset) -> {
                for (int i = 0; i < count; i++) {
                    double x = vals[i] * slope + inter;
                    if (Double.isNaN(x)) {
                        nan[0]++;
                        countable[0] = false;
                        continue;
                    }
                    acc[0] = Math.min(acc[0], x);
                    acc[1] = Math.max(acc[1], x);
                    acc[2] += x;
                    acc[3]++;
                    if (countable[0]) {
                        if (x != Math.rint(x) || Double.isInfinite(x)) {
                            countable[0] = false;
                            continue;
                        }
                        int k = 0;
                        while (k < distinct[0] && keys[k] != x) {
                            k++;
                        }
                        if (k == distinct[0]) {
                            if (k == VolumeStats.MAX_DISTINCT) {
                                countable[0] = false;
                                continue;
                            }
                            keys[k] = x;
                            distinct[0]++;
                        }
                        cnt[k]++;
                    }
                }
            });
            TreeMap<Long, Long> c = null;
            if (countable[0]) {
                c = new TreeMap<>();
                for (int k = 0; k < distinct[0]; k++) {
                    c.put((long) keys[k], cnt[k]);
                }
            }
            long finite = (long) acc[3];
            return new VolumeStats(h.voxelCount(), finite == 0 ? Double.NaN : acc[0], finite == 0 ? Double.NaN : acc[1],
                finite == 0 ? Double.NaN : acc[2] / finite, nan[0], c);
        } catch (IOException e) {
            throw ioError(name, e);
        }
    }

    // ---- internals ----------------------------------------------------------------------------------

    private static InputError ioError(String name, IOException e) {
        if (e instanceof EOFException) {
            return new InputError(name + ": truncated file (it ends early" + (e.getMessage() == null ? ""
                : ": " + e.getMessage()) + ")", e);
        }
        if (e instanceof ZipException) {
            return new InputError(name + ": corrupt gzip data: " + e.getMessage(), e);
        }
        return new InputError(name + ": cannot read: " + e.getMessage(), e);
    }

    /** Gzip is recognised from its magic bytes, so a misnamed file still reads (nibabel goes by name). */
    private static InputStream decompressed(InputStream raw, String name) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }

    private static NiftiHeader parseHeader(InputStream in, String name) throws IOException {
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
        long voxOffset = (long) b.getFloat(108);
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
            throw new InputError(name + ": bad header: dim[0] = " + dim[0] + " (must be 1..7)");
        }
        for (int a = 1; a <= dim[0]; a++) {
            if (dim[a] < 1) {
                throw new InputError(name + ": bad header: dim[" + a + "] = " + dim[a] + " (must be positive)");
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
            throw new InputError(name + ": unsupported datatype code " + code
                + " (readable: uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32, float64)");
        }
        // nibabel's load-time fixes: qfac not +-1 becomes 1; negative pixdims become positive
        if (pixdim[0] != 1 && pixdim[0] != -1) {
            pixdim[0] = 1;
        }
        for (int i = 1; i < 8; i++) {
            pixdim[i] = Math.abs(pixdim[i]);
        }
        if (slope != 0 && Double.isFinite(slope) && !Double.isFinite(inter)) {
            throw new InputError(name + ": bad header: valid scl_slope " + slope + " but scl_inter is " + inter);
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

    private int checkSize(NiftiHeader h) {
        long n = 1;
        for (int a = 1; a <= h.dim()[0]; a++) {
            long d = h.dim()[a];
            if (n > maxVoxels / d) {
                n = Long.MAX_VALUE;
                break;
            }
            n *= d;
        }
        if (n > maxVoxels) {
            throw new InputError(h.source() + ": too large: dimensions " + java.util.Arrays.toString(h.fullShape())
                + " exceed the limit of " + maxVoxels + " voxels (" + (maxVoxels * 4 >> 20)
                + " MiB as float32); raise cohort.max-voxels if this is intended");
        }
        return (int) n;
    }

    @FunctionalInterface
    private interface ChunkSink {
        void accept(double[] values, int count, int offset);
    }

    private static void readVoxels(InputStream in, NiftiHeader h, ChunkSink sink) throws IOException {
        String name = h.source();
        long headerEnd = h.version() == 1 ? N1_HEADER : N2_HEADER;
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
