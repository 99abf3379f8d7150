package renalseg.augment;

import renalseg.roi.KidneyRoi;

/**
 * Turns a {@link SampleRecord} and its ROI into tensors, deterministically: crop [z0, z0+D) x [y0, y0+H) x
 * [x0, x0+W) of the ROI, voxels beyond the ROI take the pad value (label 0), then the flagged axes are
 * reversed; intensities minus the training mean.
 */
public final class SampleMaterializer {

    private final int depth;
    private final int height;
    private final int width;
    private final double mean;
    private final float padScaled;

    /**
     * @param mean      the training mean of the windowed intensities
     * @param padScaled the windowed pad value (roi.pad-hu through the HU window; 0 for the paper's -200)
     */
    public SampleMaterializer(int depth, int height, int width, double mean, float padScaled) {
        this.depth = depth;
        this.height = height;
        this.width = width;
        this.mean = mean;
        this.padScaled = padScaled;
    }

    public SampleMaterializer(AugmentSettings s, double mean, float padScaled) {
        this(s.depth(), s.height(), s.width(), mean, padScaled);
    }

    public SampleTensor materialize(SampleRecord r, KidneyRoi roi) {
        if (!r.roiId().equals(roi.id())) {
            throw new IllegalArgumentException("sample of " + r.roiId() + " given ROI " + roi.id());
        }
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
}
