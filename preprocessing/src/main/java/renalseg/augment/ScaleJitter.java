package renalseg.augment;

import com.typesafe.config.Config;
import java.util.SplittableRandom;
import renalseg.config.ConfigError;

/**
 * Scale augmentation: with {@code probability}, a sample is cropped at a zoom drawn in [min, max] about the
 * crop's centre (a factor above 1 shows more of the ROI, so organs look smaller), images by trilinear and
 * labels by nearest-neighbour sampling, as nnU-Net's spatial transform (which draws 0.7-1.4). Cases are
 * resampled to one spacing, so what remains to vary is anatomy: kidneys and tumors of sizes and shapes one
 * generator or one cohort did not show.
 */
public record ScaleJitter(double probability, double min, double max) implements java.io.Serializable {

    public static final ScaleJitter NONE = new ScaleJitter(0, 1, 1);

    public ScaleJitter {
        if (!(probability >= 0 && probability <= 1) || !(min > 0 && min <= max)) {
            throw new ConfigError("augment.scale: probability within [0, 1] and 0 < range[0] <= range[1] (found "
                + probability + ", [" + min + ", " + max + "])");
        }
    }

    public static ScaleJitter from(Config c) {
        Config j = c.getConfig("augment.scale");
        var range = j.getDoubleList("range");
        if (range.size() != 2) {
            throw new ConfigError("augment.scale.range must be [min, max], found " + range);
        }
        return new ScaleJitter(j.getDouble("probability"), range.get(0), range.get(1));
    }

    /** The zoom of one sample: 1 (plain crop) unless drawn; draws nothing when the probability is 0. */
    public double draw(SplittableRandom rng) {
        if (probability == 0 || rng.nextDouble() >= probability) {
            return 1;
        }
        return min + rng.nextDouble() * (max - min);
    }
}
