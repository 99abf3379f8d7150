package renalseg.cohort;

import renalseg.io.NiftiHeader;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * A case read from its files, on the grid of its image file (not yet reoriented).
 *
 * @param labels the label map with KiTS labels (0 background, 1 kidney, 2 tumor), null when unlabelled
 */
public record CaseData(CaseRef ref, NiftiHeader imageHeader, ImageVolume image, LabelVolume labels)
    implements java.io.Serializable {
}
