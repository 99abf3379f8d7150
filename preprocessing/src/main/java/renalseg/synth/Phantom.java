package renalseg.synth;

import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * One synthetic case in canonical RAS orientation (see {@link renalseg.volume.Geometry}),
 * with what went into it: kidney and tumor volumes in ml as drawn (voxelized volumes differ slightly).
 */
public record Phantom(String caseId, ImageVolume image, LabelVolume labels, int kidneys, boolean hasTumor,
                      double tumorMlDrawn) {
}
