package renalseg.localization;

import java.io.Serializable;
import renalseg.transforms.HuWindow;
import renalseg.transforms.Resample;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * A whole canonical scan on the localizer's coarse grid: intensities through the HU window (scaled to
 * [0, 1], not yet minus the mean, as ROI voxels are) and, for training, kidney-or-tumor (1) vs
 * background (0). Small (a CT at 3.5 mm is about 100^3 voxels), so a training set of them fits in memory.
 * Arrays x fastest = C-order [D][H][W].
 */
public record CoarseVolume(String caseId, Geometry geometry, float[] scaled, byte[] labels) implements Serializable {

    private static final long serialVersionUID = 1L;

    public CoarseVolume {
        if (scaled.length != geometry.voxelCount() || (labels != null && labels.length != scaled.length)) {
            throw new IllegalArgumentException("arrays do not fill " + geometry);
        }
    }

    /**
     * Resamples a canonical scan (trilinear, pre's {@link Resample}) and its labels (nearest neighbour,
     * then 1 for kidney or tumor) to {@code spacingMm}.
     *
     * @param labels on the image's grid, or null
     */
    public static CoarseVolume of(String caseId, ImageVolume canonical, LabelVolume labels, double[] spacingMm,
                                  HuWindow window) {
        ImageVolume img = Resample.image(canonical, spacingMm);
        float[] v = img.voxels();
        float[] scaled = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            scaled[i] = window.scale(v[i]);
        }
        byte[] lab = null;
        if (labels != null) {
            if (!labels.geometry().sameShape(canonical.geometry())) {
                throw new IllegalArgumentException("case " + caseId + ": labels and image differ in shape");
            }
            byte[] l = Resample.labels(labels, spacingMm).labels();
            lab = new byte[l.length];
            for (int i = 0; i < l.length; i++) {
                lab[i] = (byte) (l[i] != 0 ? 1 : 0);
            }
        }
        return new CoarseVolume(caseId, img.geometry(), scaled, lab);
    }

    public int depth() {
        return geometry.nz();
    }

    public int height() {
        return geometry.ny();
    }

    public int width() {
        return geometry.nx();
    }
}
