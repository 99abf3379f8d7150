package renalseg.postprocessing.voting;

/**
 * How overlapping sliding-window predictions are combined into one volume.
 */
public enum VotingMode {
    /** The paper's rule: each window votes its argmax label; most votes wins, ties by summed probability. */
    MAJORITY,
    /** Mean of the windows' probabilities (MONAI's "constant" blending). */
    SOFT,
    /**
     * Weighted mean of the windows' probabilities, weights a Gaussian centred in each window with sigma =
     * 1/8 of the window size per axis (nnU-Net's importance map), so window borders count less.
     */
    GAUSSIAN;

    /** Parses a configuration value such as {@code majority} (case-insensitive). */
    public static VotingMode parse(String s) {
        for (VotingMode m : values()) {
            if (m.name().equalsIgnoreCase(s.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown voting mode '" + s + "' (majority, soft or gaussian)");
    }
}
