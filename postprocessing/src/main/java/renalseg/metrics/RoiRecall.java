package renalseg.metrics;

import java.util.List;
import renalseg.roi.RoiBox;
import renalseg.roi.RoiPlacement;
import renalseg.volume.LabelVolume;

/**
 * How well ROIs (from the localizer) cover a case: recall = share of the labelled (non-zero: kidney, tumor,
 * cyst) voxels of the canonical label map inside the union of the ROI boxes (1 when the case has none), and coverage = share
 * of all the scan's voxels inside that union (a recall of 1 from ROIs that cover everything is worthless).
 */
public final class RoiRecall {

    private RoiRecall() {
    }

    public static double recall(LabelVolume canonicalLabels, List<RoiPlacement> places) {
        var g = canonicalLabels.geometry();
        byte[] l = canonicalLabels.labels();
        long total = 0;
        long inside = 0;
        for (int z = 0, i = 0; z < g.nz(); z++) {
            for (int y = 0; y < g.ny(); y++) {
                for (int x = 0; x < g.nx(); x++, i++) {
                    if (l[i] != 0) {
                        total++;
                        inside += inAny(places, x, y, z) ? 1 : 0;
                    }
                }
            }
        }
        return total == 0 ? 1.0 : (double) inside / total;
    }

    public static double coverage(LabelVolume canonicalLabels, List<RoiPlacement> places) {
        var g = canonicalLabels.geometry();
        long in = 0;
        for (int z = 0; z < g.nz(); z++) {
            for (int y = 0; y < g.ny(); y++) {
                for (int x = 0; x < g.nx(); x++) {
                    in += inAny(places, x, y, z) ? 1 : 0;
                }
            }
        }
        return (double) in / g.voxelCount();
    }

    private static boolean inAny(List<RoiPlacement> places, int x, int y, int z) {
        for (RoiPlacement p : places) {
            RoiBox b = p.box();
            if (x >= b.x0() && x < b.x0() + b.nx() && y >= b.y0() && y < b.y0() + b.ny()
                && z >= b.z0() && z < b.z0() + b.nz()) {
                return true;
            }
        }
        return false;
    }
}
