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
        return toSource(reorientation, onProcessingGrid);
    }

    /** ROI results (each x fastest over its ROI's box, in {@link #rois()} order) as a label map in source space. */
    public LabelVolume pasteToSource(List<byte[]> roiLabels) {
        return pasteToSource(reorientation, processing, rois.stream().map(KidneyRoi::box).toList(), roiLabels);
    }

    /**
     * The grid a scan is processed on: its canonical grid resampled to {@code spacingMm} (the canonical grid
     * itself when that is its own spacing). ROI rows carry this spacing, so a later stage rebuilds the grid
     * from the file's header and a row alone.
     */
    public static Geometry processingGrid(Reorientation reorientation, double[] spacingMm) {
        Geometry c = reorientation.canonical();
        return Resample.isIdentity(c, spacingMm) ? c : Resample.target(c, spacingMm);
    }

    /**
     * ROI results on a processing grid ({@link #processingGrid}), pasted and taken back to the source file's
     * grid and affine: the one way from ROI labels to an output file (pipeline postprocess, segment).
     */
    public static LabelVolume pasteToSource(Reorientation reorientation, Geometry processing, List<RoiBox> boxes,
                                            List<byte[]> roiLabels) {
        return toSource(reorientation, Rois.assemble(processing, boxes, roiLabels));
    }

    /**
     * A processing-grid label map back on the source grid: resampled grids by {@link Resample#argmaxOnto}
     * (one-hot masks interpolated, then the argmax: smooth where nearest neighbour would leave staircases).
     */
    private static LabelVolume toSource(Reorientation reorientation, LabelVolume onProcessingGrid) {
        Geometry c = reorientation.canonical();
        boolean resampled = !onProcessingGrid.geometry().sameShape(c)
            || !java.util.Arrays.equals(onProcessingGrid.geometry().spacing(), c.spacing());
        LabelVolume canonical = resampled ? Resample.argmaxOnto(onProcessingGrid, LabelVolume.TUMOR + 1, c)
            : new LabelVolume(c, onProcessingGrid.labels());
        return reorientation.toSource(canonical);
    }
}
