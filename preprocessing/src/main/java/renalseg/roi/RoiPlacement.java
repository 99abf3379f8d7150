package renalseg.roi;

/** Where a kidney's ROI lies in the canonical volume. */
public record RoiPlacement(KidneySide side, RoiBox box) implements java.io.Serializable {
}
