package renalseg.inferers;

import com.typesafe.config.Config;
import java.util.Locale;
import renalseg.config.ConfigError;
import renalseg.postprocessing.voting.VotingMode;

/**
 * The {@code infer} section: window overlap per axis (D, H, W) as a fraction of the window, how
 * overlapping windows vote, and test-time mirroring.
 */
public record InferSettings(double[] overlap, VotingMode voting, boolean mirroring)
    implements java.io.Serializable {

    public InferSettings {
        overlap = overlap.clone();
        if (overlap.length != 3) {
            throw new ConfigError("infer.overlap needs 3 fractions (D, H, W)");
        }
        for (double o : overlap) {
            if (!(o >= 0 && o < 1)) {
                throw new ConfigError("infer.overlap fractions must be in [0, 1), got " + o);
            }
        }
    }

    public static InferSettings from(Config root) {
        Config c = root.getConfig("infer");
        String v = c.getString("voting");
        VotingMode mode;
        try {
            mode = VotingMode.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigError("infer.voting must be majority, soft or gaussian, got '" + v + "'");
        }
        return new InferSettings(c.getDoubleList("overlap").stream().mapToDouble(Double::doubleValue).toArray(), mode,
            c.getBoolean("mirroring"));
    }

    public static InferSettings paper() {
        return new InferSettings(new double[] {0.5, 0.5, 0.5}, VotingMode.MAJORITY, false);
    }
}
