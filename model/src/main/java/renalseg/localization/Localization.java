package renalseg.localization;

import java.util.List;
import renalseg.roi.KidneySide;
import renalseg.roi.RoiPlacement;

/**
 * What the localizer found in one scan: an ROI per kidney (0, 1 or 2, sorted LEFT then RIGHT), each
 * kidney's coarse component, how many further components were dropped (beyond the two largest, or
 * below the minimum size), and the time it took (resampling, network, components).
 */
public record Localization(String caseId, List<RoiPlacement> placements, List<FoundKidney> kidneys,
                           int droppedComponents, double seconds) {

    /** One kept component: side, volume in ml on the coarse grid, coarse voxel bounding box (inclusive). */
    public record FoundKidney(KidneySide side, double ml, int[] coarseLo, int[] coarseHi) {
    }

    public Localization {
        placements = List.copyOf(placements);
        kidneys = List.copyOf(kidneys);
    }

    /** One kidney found (a nephrectomy, or a missed kidney): the pipeline logs and records it. */
    public boolean singleKidney() {
        return placements.size() == 1;
    }

    /** A one-line summary for logs. */
    public String describe() {
        StringBuilder b = new StringBuilder(caseId).append(": localizer found ").append(placements.size())
            .append(placements.size() == 1 ? " kidney" : " kidneys");
        for (FoundKidney k : kidneys) {
            b.append(String.format(java.util.Locale.ROOT, " %s %.1f ml", k.side().lower(), k.ml()));
        }
        if (singleKidney()) {
            b.append(" (single kidney: one ROI)");
        }
        if (droppedComponents > 0) {
            b.append(", dropped ").append(droppedComponents).append(" other component(s)");
        }
        return b.append(String.format(java.util.Locale.ROOT, " in %.2f s", seconds)).toString();
    }
}
