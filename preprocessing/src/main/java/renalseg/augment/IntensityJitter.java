package renalseg.augment;

import com.typesafe.config.Config;
import java.util.SplittableRandom;
import renalseg.config.ConfigError;

/**
 * Intensity augmentation of one training sample, on the network's input (windowed intensity minus the
 * training mean), as nnU-Net's contrast, brightness and noise transforms: each applied with its own draw of
 * {@code probability}. Contrast multiplies the deviation from the sample's own mean by a factor in
 * [contrastMin, contrastMax]; brightness adds a shift in [-brightness, brightness] (windowed units: 0.05 is
 * 35 HU in a 700 HU window); noise adds Gaussian noise of an SD drawn in [0, noiseSd]. Scanners, contrast
 * phases and kernels move tissue intensities by tens of HU; a network that saw only one generator's values
 * would read such a shift as another tissue.
 */
public record IntensityJitter(double probability, double contrastMin, double contrastMax, double brightness,
                              double noiseSd) implements java.io.Serializable {

    public static final IntensityJitter NONE = new IntensityJitter(0, 1, 1, 0, 0);

    public IntensityJitter {
        if (!(probability >= 0 && probability <= 1) || !(contrastMin > 0 && contrastMin <= contrastMax)
            || !(brightness >= 0) || !(noiseSd >= 0)) {
            throw new ConfigError("augment.intensity: probability within [0, 1], 0 < contrast[0] <= contrast[1],"
                + " brightness >= 0 and noise-sd >= 0 (found " + probability + ", [" + contrastMin + ", "
                + contrastMax + "], " + brightness + ", " + noiseSd + ")");
        }
    }

    public static IntensityJitter from(Config c) {
        Config j = c.getConfig("augment.intensity");
        var contrast = j.getDoubleList("contrast");
        if (contrast.size() != 2) {
            throw new ConfigError("augment.intensity.contrast must be [min, max], found " + contrast);
        }
        return new IntensityJitter(j.getDouble("probability"), contrast.get(0), contrast.get(1),
            j.getDouble("brightness"), j.getDouble("noise-sd"));
    }

    /** Jitters {@code f} in place; draws nothing when the probability is 0 (the sample stays as cropped). */
    public void apply(float[] f, SplittableRandom rng) {
        if (probability == 0) {
            return;
        }
        if (rng.nextDouble() < probability) {
            double factor = contrastMin + rng.nextDouble() * (contrastMax - contrastMin);
            double sum = 0;
            for (float v : f) {
                sum += v;
            }
            double m = sum / f.length;
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) (m + (f[i] - m) * factor);
            }
        }
        if (rng.nextDouble() < probability) {
            float shift = (float) ((rng.nextDouble() * 2 - 1) * brightness);
            for (int i = 0; i < f.length; i++) {
                f[i] += shift;
            }
        }
        if (rng.nextDouble() < probability) {
            double sd = rng.nextDouble() * noiseSd;
            for (int i = 0; i < f.length; i++) {
                f[i] += (float) (gaussian(rng) * sd);
            }
        }
    }

    /** Box-Muller (SplittableRandom has no nextGaussian before Java 17's RandomGenerator default). */
    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
