package renalseg.postprocessing.components;

import renalseg.volume.Geometry;
import renalseg.volume.LabelVolume;

/**
 * Keeps chosen connected components of kidney-or-tumor voxels (labels 1 and 2 together) and clears
 * everything else; kept voxels keep their own label. Per kidney ROI one component, the one at the ROI's
 * centre ({@link #keepCentral}); in a whole-volume result the N largest (N = 2 by default: two kidneys), as
 * in docs/metrics.md.
 */
public final class LargestComponents {

    private static final boolean[] KIDNEY_OR_TUMOR = new boolean[256];

    static {
        KIDNEY_OR_TUMOR[LabelVolume.KIDNEY] = true;
        KIDNEY_OR_TUMOR[LabelVolume.TUMOR] = true;
    }

    private LargestComponents() {
    }

    /** The volume with only the {@code keep} largest kidney-or-tumor components. */
    public static LabelVolume keep(LabelVolume volume, int keep, Connectivity connectivity) {
        Geometry g = volume.geometry();
        return new LabelVolume(g, keep(volume.labels(), g.nx(), g.ny(), g.nz(), keep, connectivity));
    }

    /**
     * A copy of {@code labels} (x fastest, dims nx, ny, nz: e.g. a kidney ROI) with only the {@code keep}
     * largest kidney-or-tumor components; of equal sizes the one met first in raster order is kept.
     */
    public static byte[] keep(byte[] labels, int nx, int ny, int nz, int keep, Connectivity connectivity) {
        if (keep < 1) {
            throw new IllegalArgumentException("components to keep must be at least 1, got " + keep);
        }
        ComponentLabels comps = ComponentLabeller.label(labels, nx, ny, nz, connectivity, KIDNEY_OR_TUMOR);
        boolean[] kept = new boolean[comps.count() + 1];
        int[] order = comps.bySizeDescending();
        for (int i = 0; i < Math.min(keep, order.length); i++) {
            kept[order[i]] = true;
        }
        return only(labels, comps, kept);
    }

    /**
     * A copy of a kidney ROI's {@code labels} with the one kidney-or-tumor component that has the most voxels
     * inside the box [lo, hi) (x, y, z: the ROI's central part, around which its box was drawn); of equal
     * counts the larger, and the largest when none reaches the box. In an ROI grown around a kidney (a
     * localizer's box with its margins) the network may also paint a neighbouring organ, and that organ can
     * be larger than the kidney's own component: the largest alone then keeps the organ and drops the kidney.
     */
    public static byte[] keepCentral(byte[] labels, int nx, int ny, int nz, int[] lo, int[] hi,
                                     Connectivity connectivity) {
        ComponentLabels comps = ComponentLabeller.label(labels, nx, ny, nz, connectivity, KIDNEY_OR_TUMOR);
        long[] inside = new long[comps.count() + 1];
        int[] ids = comps.labels();
        for (int z = Math.max(0, lo[2]); z < Math.min(nz, hi[2]); z++) {
            for (int y = Math.max(0, lo[1]); y < Math.min(ny, hi[1]); y++) {
                int row = (z * ny + y) * nx;
                for (int x = Math.max(0, lo[0]); x < Math.min(nx, hi[0]); x++) {
                    inside[ids[row + x]]++;
                }
            }
        }
        int best = 0;
        for (int c : comps.bySizeDescending()) {
            if (best == 0 || inside[c] > inside[best]) {
                best = c;
            }
        }
        boolean[] kept = new boolean[comps.count() + 1];
        kept[best] = best != 0;
        return only(labels, comps, kept);
    }

    private static byte[] only(byte[] labels, ComponentLabels comps, boolean[] kept) {
        int[] ids = comps.labels();
        byte[] out = new byte[labels.length];
        for (int v = 0; v < labels.length; v++) {
            if (kept[ids[v]]) {
                out[v] = labels[v];
            }
        }
        return out;
    }
}
