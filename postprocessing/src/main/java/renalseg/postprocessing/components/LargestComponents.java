package renalseg.postprocessing.components;

import renalseg.volume.Geometry;
import renalseg.volume.LabelVolume;

/**
 * Keeps the largest connected components of kidney-or-tumor voxels (labels 1 and 2 together) and clears
 * everything else; kept voxels keep their own label. Per kidney ROI keep one component, in a whole-volume
 * result the N largest (N = 2 by default: two kidneys), as in docs/metrics.md.
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
