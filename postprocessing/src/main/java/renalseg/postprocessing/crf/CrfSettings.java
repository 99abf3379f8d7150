package renalseg.postprocessing.crf;

import com.typesafe.config.Config;

/**
 * Parameters of the 3D dense CRF (Krähenbühl and Koltun 2011, 3D as Kamnitsas et al. 2017). Pairwise energy
 * between voxels i and j with different labels (Potts):
 * <pre>
 *   appearanceWeight * exp(-|p_i - p_j|^2 / (2 appearancePositionMm^2) - (I_i - I_j)^2 / (2 appearanceIntensity^2))
 * + smoothnessWeight * exp(-|p_i - p_j|^2 / (2 smoothnessPositionMm^2))
 * </pre>
 * with positions in mm (spacing-aware) and intensities in the image's units (HU for CT). Each kernel's
 * message is normalized to a weighted mean of the neighbours' label probabilities, so the weights are in
 * units of the unary term (nats of -log probability). {@link CrfRefiner} runs it on the box of voxels whose
 * foreground probability reaches {@code cropMinProbability}, grown by {@code cropMarginMm}.
 */
public record CrfSettings(boolean enabled, int iterations, double appearanceWeight, double appearancePositionMm,
                          double appearanceIntensity, double smoothnessWeight, double smoothnessPositionMm,
                          double cropMinProbability, double cropMarginMm)
    implements java.io.Serializable {

    public CrfSettings {
        if (iterations < 0) {
            throw new IllegalArgumentException("CRF iterations must be >= 0, got " + iterations);
        }
        if (!(appearanceWeight >= 0) || !(smoothnessWeight >= 0)) {
            throw new IllegalArgumentException("CRF kernel weights must be >= 0");
        }
        if (!(appearancePositionMm > 0) || !(appearanceIntensity > 0) || !(smoothnessPositionMm > 0)) {
            throw new IllegalArgumentException("CRF bandwidths must be > 0");
        }
        if (!(cropMinProbability >= 0 && cropMinProbability <= 1) || !(cropMarginMm >= 0)) {
            throw new IllegalArgumentException("CRF crop needs a probability in [0, 1] and a margin >= 0 mm");
        }
    }

    /** The {@code postprocess.crf} section of a loaded configuration. */
    public static CrfSettings from(Config config) {
        Config c = config.getConfig("postprocess.crf");
        return new CrfSettings(c.getBoolean("enabled"), c.getInt("iterations"),
            c.getDouble("appearance-weight"), c.getDouble("appearance-position-mm"),
            c.getDouble("appearance-intensity-hu"), c.getDouble("smoothness-weight"),
            c.getDouble("smoothness-position-mm"), c.getDouble("crop-min-probability"),
            c.getDouble("crop-margin-mm"));
    }
}
