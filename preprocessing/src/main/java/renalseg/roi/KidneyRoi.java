package renalseg.roi;

import renalseg.cohort.CaseRef;

/**
 * One kidney's region of interest: where it came from (case, side, box in the canonical source array,
 * so predictions can be pasted back), its voxels (HU clipped and scaled to [0, 1] by the window, not yet
 * minus the training mean; padding where the box leaves the volume) and labels (0, 1, 2; null when the
 * case is unlabelled), both x fastest: a C-order [nz][ny][nx] = [D][H][W] array.
 */
public record KidneyRoi(String caseId, KidneySide side, RoiBox box, float[] voxels, byte[] labels)
    implements java.io.Serializable {

    public KidneyRoi {
        CaseRef.checkId(caseId);
        if (voxels.length != box.voxelCount()) {
            throw new IllegalArgumentException("voxels " + voxels.length + " do not fill " + box);
        }
        if (labels != null && labels.length != voxels.length) {
            throw new IllegalArgumentException("labels " + labels.length + " do not fill " + box);
        }
    }

    /** "case_00012_left": unique in a run, safe as a file name. */
    public String id() {
        return id(caseId, side);
    }

    public static String id(String caseId, KidneySide side) {
        return caseId + "_" + side.lower();
    }

    public int depth() {
        return box.nz();
    }

    public int height() {
        return box.ny();
    }

    public int width() {
        return box.nx();
    }
}
