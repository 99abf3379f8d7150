package renalseg.roi;

import java.util.List;
import renalseg.transforms.Resample;
import renalseg.volume.Geometry;
import renalseg.volume.LabelVolume;
import renalseg.volume.Reorientation;

/**
 * A case ready for the network: its ROIs on the processing grid (canonical RAS, resampled when
 * configured), and how to take a result on that grid back to the space of the source file.
 *
 * @param processing the grid ROI boxes refer to (= {@code reorientation.canonical()} unless resampled)
 */
public record PreparedCase(String caseId, Reorientation reorientation, Geometry processing, List<KidneyRoi> rois)
    implements java.io.Serializable {

    public boolean resampled() {
        return !processing.sameShape(reorientation.canonical())
            || !java.util.Arrays.equals(processing.spacing(), reorientation.canonical().spacing());
    }

    /** A label map on the processing grid, on the source file's grid (same array order and affine). */
    public LabelVolume toSource(LabelVolume onProcessingGrid) {
        LabelVolume canonical = resampled() ? Resample.labelsOnto(onProcessingGrid, reorientation.canonical())
            : new LabelVolume(reorientation.canonical(), onProcessingGrid.labels());
        return reorientation.toSource(canonical);
    }

    /** ROI results (each x fastest over its ROI's box, in {@link #rois()} order) as a label map in source space. */
    public LabelVolume pasteToSource(List<byte[]> roiLabels) {
        return toSource(Rois.assemble(processing, rois.stream().map(KidneyRoi::box).toList(), roiLabels));
    }
}
