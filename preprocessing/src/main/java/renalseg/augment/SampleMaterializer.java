package renalseg.augment;

import java.util.SplittableRandom;
import renalseg.roi.KidneyRoi;

/**
 * Turns a {@link SampleRecord} and its ROI into tensors, deterministically: crop [z0, z0+D) x [y0, y0+H) x
 * [x0, x0+W) of the ROI, voxels beyond the ROI take the pad value (label 0), then the flagged axes are
 * reversed; intensities minus the training mean. The optional scale and intensity jitters are drawn from the
 * record's seed, so a sample is the same wherever and however often it is materialized.
 */
public final class SampleMaterializer {

    /** Separates the jitters' random stream from the manifest's use of the same seed. */
    private static final long JITTER_STREAM = 0x5DEECE66DL;

    private final int depth;
    private final int height;
    private final int width;
    private final double mean;
    private final float padScaled;
    private final IntensityJitter intensity;
    private final ScaleJitter scale;

    /**
     * @param mean      the training mean of the windowed intensities
     * @param padScaled the windowed pad value (roi.pad-hu through the HU window; 0 for the paper's -200)
     */
    public SampleMaterializer(int depth, int height, int width, double mean, float padScaled,
                              IntensityJitter intensity, ScaleJitter scale) {
        this.depth = depth;
        this.height = height;
        this.width = width;
        this.mean = mean;
        this.padScaled = padScaled;
        this.intensity = intensity;
        this.scale = scale;
    }

    /** Plain crops and flips, no jitter. */
    public SampleMaterializer(int depth, int height, int width, double mean, float padScaled) {
        this(depth, height, width, mean, padScaled, IntensityJitter.NONE, ScaleJitter.NONE);
    }

    public SampleMaterializer(AugmentSettings s, double mean, float padScaled) {
        this(s.depth(), s.height(), s.width(), mean, padScaled, s.intensity(), s.scale());
    }

    public SampleTensor materialize(SampleRecord r, KidneyRoi roi) {
        if (!r.roiId().equals(roi.id())) {
            throw new IllegalArgumentException("sample of " + r.roiId() + " given ROI " + roi.id());
        }
        SplittableRandom rng = new SplittableRandom(r.seed() ^ JITTER_STREAM);
        double zoom = scale.draw(rng);
        SampleTensor t = zoom == 1 ? crop(r, roi) : zoomedCrop(r, roi, zoom);
        intensity.apply(t.features(), rng);
        return t;
    }

    private SampleTensor crop(SampleRecord r, KidneyRoi roi) {
        int nx = roi.width();
        int ny = roi.height();
        int nz = roi.depth();
        float[] vox = roi.voxels();
        byte[] lab = roi.labels();
        int n = depth * height * width;
        float[] f = new float[n];
        byte[] l = new byte[n];
        float pad = (float) (padScaled - mean);
        int idx = 0;
        for (int d = 0; d < depth; d++) {
            int z = r.z0() + (r.flipZ() ? depth - 1 - d : d);
            for (int h = 0; h < height; h++) {
                int y = r.y0() + (r.flipY() ? height - 1 - h : h);
                boolean rowIn = z >= 0 && z < nz && y >= 0 && y < ny;
                int rowBase = nx * (y + ny * z);
                for (int w = 0; w < width; w++, idx++) {
                    int x = r.x0() + (r.flipX() ? width - 1 - w : w);
                    if (rowIn && x >= 0 && x < nx) {
                        f[idx] = (float) (vox[rowBase + x] - mean);
                        l[idx] = lab == null ? 0 : lab[rowBase + x];
                    } else {
                        f[idx] = pad;
                    }
                }
            }
        }
        return new SampleTensor(depth, height, width, f, l);
    }

    /**
     * The crop at a zoom about its centre: output voxel i of an axis of size S reads ROI coordinate
     * o + (S-1)/2 + (i - (S-1)/2) * zoom (zoom 1 gives o + i), images trilinear with the pad value beyond the
     * ROI, labels from the nearest voxel (0 beyond).
     */
    private SampleTensor zoomedCrop(SampleRecord r, KidneyRoi roi, double zoom) {
        int n = depth * height * width;
        float[] f = new float[n];
        byte[] l = new byte[n];
        double[] zs = axis(r.z0(), depth, zoom, r.flipZ());
        double[] ys = axis(r.y0(), height, zoom, r.flipY());
        double[] xs = axis(r.x0(), width, zoom, r.flipX());
        int idx = 0;
        for (int d = 0; d < depth; d++) {
            for (int h = 0; h < height; h++) {
                for (int w = 0; w < width; w++, idx++) {
                    f[idx] = (float) (trilinear(roi, zs[d], ys[h], xs[w]) - mean);
                    l[idx] = nearestLabel(roi, zs[d], ys[h], xs[w]);
                }
            }
        }
        return new SampleTensor(depth, height, width, f, l);
    }

    private static double[] axis(int origin, int size, double zoom, boolean flip) {
        double[] c = new double[size];
        double mid = (size - 1) / 2.0;
        for (int i = 0; i < size; i++) {
            int j = flip ? size - 1 - i : i;
            c[i] = origin + mid + (j - mid) * zoom;
        }
        return c;
    }

    private double trilinear(KidneyRoi roi, double z, double y, double x) {
        int z0 = (int) Math.floor(z);
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double fz = z - z0;
        double fy = y - y0;
        double fx = x - x0;
        double sum = 0;
        for (int dz = 0; dz <= 1; dz++) {
            double wz = dz == 0 ? 1 - fz : fz;
            for (int dy = 0; dy <= 1; dy++) {
                double wy = dy == 0 ? 1 - fy : fy;
                for (int dx = 0; dx <= 1; dx++) {
                    double wgt = wz * wy * (dx == 0 ? 1 - fx : fx);
                    if (wgt != 0) {
                        sum += wgt * voxel(roi, z0 + dz, y0 + dy, x0 + dx);
                    }
                }
            }
        }
        return sum;
    }

    private double voxel(KidneyRoi roi, int z, int y, int x) {
        if (z < 0 || y < 0 || x < 0 || z >= roi.depth() || y >= roi.height() || x >= roi.width()) {
            return padScaled;
        }
        return roi.voxels()[x + roi.width() * (y + roi.height() * z)];
    }

    private static byte nearestLabel(KidneyRoi roi, double z, double y, double x) {
        int zi = (int) Math.round(z);
        int yi = (int) Math.round(y);
        int xi = (int) Math.round(x);
        if (roi.labels() == null || zi < 0 || yi < 0 || xi < 0 || zi >= roi.depth() || yi >= roi.height()
            || xi >= roi.width()) {
            return 0;
        }
        return roi.labels()[xi + roi.width() * (yi + roi.height() * zi)];
    }
}
