package renalseg.localization;

import renalseg.postprocessing.components.ComponentLabels;
import renalseg.volume.Geometry;

/**
 * Splits coarse components that bridge the body's midline. The kidneys lie on either side of the spine,
 * but a coarse network may also light up the midline vessels between them (the enhanced aorta and cava
 * look like renal cortex), and then both kidneys arrive as one 18-connected component: the localizer
 * would find a single "kidney" and place one ROI over the whole abdomen. A component with at least
 * {@code minVoxels} on each side of the midline is therefore cut at the midline into a left and a right
 * piece; one that has less on one side (a kidney that merely reaches the midline) stays whole, so a lone
 * kidney is never counted twice. The midline is the volume's centre in x, as the lone-kidney side rule
 * assumes (scans are centred on the patient).
 */
final class MidlineSplit {

    private MidlineSplit() {
    }

    /**
     * The components of {@code comps} (on grid {@code cg}) with every qualifying bridge cut at world x =
     * {@code midX}: the piece above the midline gets a new id after the existing ones; the rest keep theirs.
     * Deterministic: ids and sizes depend only on the mask.
     */
    static ComponentLabels split(ComponentLabels comps, Geometry cg, double midX, long minVoxels) {
        boolean[] low = new boolean[cg.nx()];
        for (int x = 0; x < cg.nx(); x++) {
            low[x] = cg.toWorld(x, (cg.ny() - 1) / 2.0, (cg.nz() - 1) / 2.0)[0] < midX;
        }
        int n = comps.count();
        long[] lowCount = new long[n + 1];
        int[] ids = comps.labels();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != 0 && low[i % cg.nx()]) {
                lowCount[ids[i]]++;
            }
        }
        int[] highId = new int[n + 1];
        int next = n;
        for (int c = 1; c <= n; c++) {
            long high = comps.sizes()[c] - lowCount[c];
            if (lowCount[c] >= minVoxels && high >= minVoxels) {
                highId[c] = ++next;
            }
        }
        if (next == n) {
            return comps;
        }
        int[] out = ids.clone();
        long[] sizes = java.util.Arrays.copyOf(comps.sizes(), next + 1);
        for (int i = 0; i < out.length; i++) {
            int c = out[i];
            if (c != 0 && highId[c] != 0 && !low[i % cg.nx()]) {
                out[i] = highId[c];
                sizes[c]--;
                sizes[highId[c]]++;
            }
        }
        return new ComponentLabels(comps.nx(), comps.ny(), comps.nz(), out, next, sizes);
    }
}
