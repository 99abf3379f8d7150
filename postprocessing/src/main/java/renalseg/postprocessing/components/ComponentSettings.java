package renalseg.postprocessing.components;

import com.typesafe.config.Config;

/**
 * Which components post-processing keeps: the {@code keep} largest kidney-or-tumor components of a whole
 * volume (a kidney ROI keeps 1) under {@code connectivity}; {@code keep = 0} keeps all.
 */
public record ComponentSettings(Connectivity connectivity, int keep) implements java.io.Serializable {

    public ComponentSettings {
        if (connectivity == null) {
            throw new IllegalArgumentException("connectivity is required");
        }
        if (keep < 0) {
            throw new IllegalArgumentException("components to keep must be >= 0 (0 keeps all), got " + keep);
        }
    }

    /** {@code postprocess.connectivity} and {@code postprocess.keep-components}. */
    public static ComponentSettings from(Config config) {
        return new ComponentSettings(Connectivity.of(config.getInt("postprocess.connectivity")),
            config.getInt("postprocess.keep-components"));
    }
}
