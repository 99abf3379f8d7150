package renalseg.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.zip.ZipException;
import renalseg.util.InputError;
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
            return header(in, path.toString(), Files.size(path));
        } catch (IOException e) {
            throw ioError(path.toString(), e);
        }
    }

    public NiftiImage image(Path path) {
        try (InputStream in = openFile(path)) {
            return image(in, path.toString(), Files.size(path));
        } catch (IOException e) {
            throw ioError(path.toString(), e);
        }
    }

    public LabelVolume labels(Path path) {
        try (InputStream in = openFile(path)) {
            return labels(in, path.toString(), Files.size(path));
        } catch (IOException e) {
            throw ioError(path.toString(), e);
        }
    }

    public VolumeStats stats(Path path) {
        try (InputStream in = openFile(path)) {
            return stats(in, path.toString(), Files.size(path));
        } catch (IOException e) {
            throw ioError(path.toString(), e);
        }
    }

    private static InputStream openFile(Path path) {
        if (Files.isDirectory(path)) {
            throw new InputError(path + ": is a directory, not a NIfTI file");
        }
        try {
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new InputError(path + ": file not found");
        } catch (IOException e) {
            throw new InputError(path + ": cannot open: " + e.getMessage(), e);
        }
    }

    // ---- streams (Hadoop FileSystem, S3, ...); the caller closes the stream ----------------------------

    /** The header alone (reads a few hundred bytes), checked by {@link NiftiHeaderRules}. */
    public NiftiHeader header(InputStream raw, String name) {
        return header(raw, name, -1);
    }

    /**
     * The header alone; {@code fileBytes} (the stored length, or -1 when unknown) lets an uncompressed
     * file's vox_offset and data size be checked against its end before any voxel is read.
     */
    public NiftiHeader header(InputStream raw, String name, long fileBytes) {
        try {
            return parse(NiftiHeaderParser.decompressed(raw, name), name, fileBytes);
        } catch (IOException e) {
            throw ioError(name, e);
        }
    }

    /** Parses and checks; the file length applies only when the stream was not gzipped. */
    private NiftiHeader parse(InputStream in, String name, long fileBytes) throws IOException {
        NiftiHeader h = NiftiHeaderParser.parseHeader(in, name);
        NiftiHeaderRules.check(h, maxVoxels, in instanceof NiftiHeaderParser.Gunzipped ? -1 : fileBytes);
        return h;
    }

    /**
     * The image with scaled values as float32. NaN or infinite values are refused with their counts:
     * nibabel would load them, but MONAI-style preprocessing passes NaN on into the network, where one NaN
     * voxel turns a whole window's logits (and a CRF's messages) into NaN; a named failure is what a user
     * can act on ({@code inspect} counts them without failing).
     */
    public NiftiImage image(InputStream raw, String name) {
        return image(raw, name, -1);
    }

    private NiftiImage image(InputStream raw, String name, long fileBytes) {
        try {
            InputStream in = NiftiHeaderParser.decompressed(raw, name);
            NiftiHeader h = parse(in, name, fileBytes);
            int n = (int) h.voxelCount();
            float[] v = new float[n];
            double slope = h.slope();
            double inter = h.inter();
            long[] bad = {0, 0};
            VoxelStream.readVoxels(in, h, (vals, count, offset) -> {
                for (int i = 0; i < count; i++) {
                    float x = (float) (vals[i] * slope + inter);
                    if (!Float.isFinite(x)) {
                        bad[Float.isNaN(x) ? 0 : 1]++;
                    }
                    v[offset + i] = x;
                }
            });
            if (bad[0] + bad[1] > 0) {
                throw new InputError(name + ": voxel values not finite: " + bad[0] + " NaN and " + bad[1]
                    + " infinite voxels (of " + n + "); images must hold finite intensities");
            }
            return new NiftiImage(h, new ImageVolume(h.geometry(), v));
        } catch (IOException e) {
            throw ioError(name, e);
        }
    }

    /** A label map: every scaled value must be an integer in 0..255. */
    public LabelVolume labels(InputStream raw, String name) {
        return labels(raw, name, -1);
    }

    private LabelVolume labels(InputStream raw, String name, long fileBytes) {
        try {
            InputStream in = NiftiHeaderParser.decompressed(raw, name);
            NiftiHeader h = parse(in, name, fileBytes);
            int n = (int) h.voxelCount();
            byte[] out = new byte[n];
            double slope = h.slope();
            double inter = h.inter();
            VoxelStream.readVoxels(in, h, (vals, count, offset) -> {
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

    /**
     * Min, max, mean of the finite scaled values, NaN and infinite voxels counted apart, and (for few
     * distinct integer values) counts, streamed. Unlike {@link #image} this does not refuse NaN: it is how
     * a user finds them.
     */
    public VolumeStats stats(InputStream raw, String name) {
        return stats(raw, name, -1);
    }

    private VolumeStats stats(InputStream raw, String name, long fileBytes) {
        try {
            InputStream in = NiftiHeaderParser.decompressed(raw, name);
            NiftiHeader h = parse(in, name, fileBytes);
            double slope = h.slope();
            double inter = h.inter();
            double[] acc = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, 0};
            long[] nan = {0, 0}; // NaN, infinite
            // distinct values so far (at most MAX_DISTINCT + 1): a linear scan beats a boxed map here
            double[] keys = new double[VolumeStats.MAX_DISTINCT + 1];
            long[] cnt = new long[VolumeStats.MAX_DISTINCT + 1];
            int[] distinct = {0};
            boolean[] countable = {true};
            VoxelStream.readVoxels(in, h, (vals, count, offset) -> {
                for (int i = 0; i < count; i++) {
                    double x = vals[i] * slope + inter;
                    if (!Double.isFinite(x)) {
                        nan[Double.isNaN(x) ? 0 : 1]++;
                        countable[0] = false;
                        continue;
                    }
                    acc[0] = Math.min(acc[0], x);
                    acc[1] = Math.max(acc[1], x);
                    acc[2] += x;
                    acc[3]++;
                    if (countable[0]) {
                        if (x != Math.rint(x)) {
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
                finite == 0 ? Double.NaN : acc[2] / finite, nan[0], nan[1], c);
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


}
