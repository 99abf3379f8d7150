package renalseg.cohort;

import com.typesafe.config.Config;
import renalseg.config.ConfigError;

/** The {@code split} section: how labelled cases are divided into training and test sets. */
public record SplitSettings(long seed, int testCases, double testFraction) implements java.io.Serializable {

    public SplitSettings {
        if (testCases < 0 || testFraction < 0 || testFraction >= 1) {
            throw new ConfigError("split.test-cases must be >= 0 and split.test-fraction in [0, 1)");
        }
    }

    public static SplitSettings from(Config c) {
        return new SplitSettings(c.getLong("split.seed"), c.getInt("split.test-cases"),
            c.getDouble("split.test-fraction"));
    }
}
