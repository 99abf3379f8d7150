package renalseg.transforms;

/**
 * The network's input intensity: HU clipped and scaled by the window, minus the training set's mean of
 * scaled intensities (computed once over the training ROIs, stored with the dataset, used everywhere,
 * inference included).
 */
public record Normalization(HuWindow window, double mean) implements java.io.Serializable {

    /** Network input for a value already scaled to [0, 1] by the window. */
    public float ofScaled(float scaled) {
        return (float) (scaled - mean);
    }

    /** Network input for a HU value. */
    public float ofHu(double hu) {
        return (float) (window.scale(hu) - mean);
    }

    /** Subtracts the mean from scaled values, in place. */
    public void applyToScaled(float[] scaled) {
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = (float) (scaled[i] - mean);
        }
    }
}
