package renalseg.roi;

import java.util.List;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * Finds the kidneys of a case on its canonical grid. {@link LabelRoiSource} uses the label map (training
 * and evaluation); a localizer for unlabelled scans implements the same interface.
 */
public interface RoiSource {

    /**
     * @param image  the canonical image (HU)
     * @param labels the canonical label map, null when the case is unlabelled
     * @return zero, one or two placements, at most one per side
     */
    List<RoiPlacement> place(String caseId, ImageVolume image, LabelVolume labels);
}
