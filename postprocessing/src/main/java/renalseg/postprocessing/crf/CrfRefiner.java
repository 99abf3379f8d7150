package renalseg.postprocessing.crf;

import renalseg.volume.VoxelBounds;

/**
 * Runs the {@link DenseCrf} on the part of a volume where it can matter: the bounding box of the voxels
 * whose summed foreground probability (every class but 0) reaches {@code minForeground}, grown by
 * {@code marginMm} on every side. Voxels outside keep the argmax of their probabilities (background by
 * construction, unless minForeground is above 0.5). A whole CT has 10^8 voxels and the lattice needs about
 * 70 bytes per voxel, while the kidneys fill a few percent of it; the margin (three appearance bandwidths
 * by default) keeps every voxel in the box within reach of all neighbours that carry real weight.
 */
public final class CrfRefiner {

    private CrfRefiner() {
    }

    /** As below, with the crop given by the settings. */
    public static byte[] refine(float[] probabilities, float[] image, int classes, int nx, int ny, int nz,
                                double[] spacing, CrfSettings s) {
        return refine(probabilities, image, classes, nx, ny, nz, spacing, s, s.cropMinProbability(), s.cropMarginMm());
    }

    /** Labels [voxels] (x fastest) after the CRF; {@code probabilities} class-major [classes][voxels]. */
    public static byte[] refine(float[] probabilities, float[] image, int classes, int nx, int ny, int nz,
                                double[] spacing, CrfSettings s, double minForeground, double marginMm) {
        return refine(probabilities, image, classes, nx, ny, nz, spacing, s, minForeground, marginMm, 1);
    }

    /** As above with the settings' crop, on {@code threads} threads (the same labels for any count). */
    public static byte[] refine(float[] probabilities, float[] image, int classes, int nx, int ny, int nz,
                                double[] spacing, CrfSettings s, int threads) {
        return refine(probabilities, image, classes, nx, ny, nz, spacing, s, s.cropMinProbability(), s.cropMarginMm(),
            threads);
    }

    /** As above on {@code threads} threads. */
    public static byte[] refine(float[] probabilities, float[] image, int classes, int nx, int ny, int nz,
                                double[] spacing, CrfSettings s, double minForeground, double marginMm, int threads) {
        int n = Math.toIntExact((long) nx * ny * nz);
        if (probabilities.length != (long) classes * n || image.length != n) {
            throw new IllegalArgumentException("probabilities / image do not match " + nx + "x" + ny + "x" + nz);
        }
        byte[] labels = DenseCrf.labels(probabilities, classes);
        VoxelBounds bounds = new VoxelBounds();
        for (int v = 0; v < n; v++) {
            float fg = 0;
            for (int c = 1; c < classes; c++) {
                fg += probabilities[c * n + v];
            }
            if (fg >= minForeground) {
                bounds.include(v % nx, (v / nx) % ny, v / (nx * ny));
            }
        }
        if (bounds.isEmpty()) {
            return labels;     // nothing but background anywhere
        }
        int[] lo = bounds.lo();
        int[] hi = bounds.hi();
        int[] dims = {nx, ny, nz};
        int[] size = new int[3];
        for (int a = 0; a < 3; a++) {
            int m = (int) Math.ceil(marginMm / spacing[a]);
            lo[a] = Math.max(0, lo[a] - m);
            hi[a] = Math.min(dims[a] - 1, hi[a] + m);
            size[a] = hi[a] - lo[a] + 1;
        }
        int bn = Math.toIntExact((long) size[0] * size[1] * size[2]);
        float[] bp = new float[classes * bn];
        float[] bi = new float[bn];
        for (int z = 0; z < size[2]; z++) {
            for (int y = 0; y < size[1]; y++) {
                int src = lo[0] + nx * ((y + lo[1]) + ny * (z + lo[2]));
                int dst = size[0] * (y + size[1] * z);
                System.arraycopy(image, src, bi, dst, size[0]);
                for (int c = 0; c < classes; c++) {
                    System.arraycopy(probabilities, c * n + src, bp, c * bn + dst, size[0]);
                }
            }
        }
        byte[] inner = DenseCrf.labels(DenseCrf.marginals(bp, bi, classes, size[0], size[1], size[2], spacing, s, threads),
            classes);
        for (int z = 0; z < size[2]; z++) {
            for (int y = 0; y < size[1]; y++) {
                System.arraycopy(inner, size[0] * (y + size[1] * z), labels,
                    lo[0] + nx * ((y + lo[1]) + ny * (z + lo[2])), size[0]);
            }
        }
        return labels;
    }
}
