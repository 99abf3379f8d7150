package renalseg.augment;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.util.List;
import renalseg.config.ConfigError;
import renalseg.config.RenalsegConfig;

/**
 * The {@code augment} section, with the crop size (D, H, W) from the model configuration's {@code input}.
 *
 * @param flipAxes       canonical axes that may be flipped: 0 = x (W), 1 = y (H), 2 = z (D)
 * @param maxCandidates  at most this many tumor and kidney voxels per ROI are kept as crop centres
 *                       (an even subsample), so a manifest over hundreds of ROIs stays small
 * @param intensity      per-sample contrast, brightness and noise (drawn from the sample's seed)
 * @param scale          per-sample zoom (drawn from the sample's seed)
 */
public record AugmentSettings(int samples, long seed, int[] flipAxes, double flipProbability, double pTumor,
                              double pKidney, int maxCandidates, IntensityJitter intensity, ScaleJitter scale,
                              int depth, int height, int width)
    implements java.io.Serializable {

    public AugmentSettings {
        if (samples < 0 || depth <= 0 || height <= 0 || width <= 0) {
            throw new ConfigError("augment.samples must be >= 0 and the model input positive");
        }
        if (pTumor < 0 || pKidney < 0 || pTumor + pKidney > 1 || flipProbability < 0 || flipProbability > 1) {
            throw new ConfigError("augment.p-tumor + augment.p-kidney must be within [0, 1], and"
                + " augment.flip-probability too");
        }
        for (int a : flipAxes) {
            if (a < 0 || a > 2) {
                throw new ConfigError("augment.flip-axes holds axes 0 (x), 1 (y), 2 (z), not " + a);
            }
        }
        flipAxes = flipAxes.clone();
    }

    public static AugmentSettings from(Config c) {
        int[] input = modelInput(c);
        return new AugmentSettings(c.getInt("augment.samples"), c.getLong("augment.seed"),
            c.getIntList("augment.flip-axes").stream().mapToInt(Integer::intValue).toArray(),
            c.getDouble("augment.flip-probability"), c.getDouble("augment.p-tumor"), c.getDouble("augment.p-kidney"),
            c.getInt("augment.max-centre-candidates"), IntensityJitter.from(c), ScaleJitter.from(c),
            input[0], input[1], input[2]);
    }

    /** The same settings for crops of another size (a resumed checkpoint's model input, D, H, W). */
    public AugmentSettings withCrop(int[] input) {
        return new AugmentSettings(samples, seed, flipAxes, flipProbability, pTumor, pKidney, maxCandidates,
            intensity, scale, input[0], input[1], input[2]);
    }

    /** The model configuration's {@code input} = [D, H, W]: preset "paper"/"small" or a .conf file. */
    public static int[] modelInput(Config c) {
        String preset = c.getString("model.preset");
        Config m;
        if (preset.matches("[a-z0-9-]+")) {
            m = RenalsegConfig.parseResource("conf/model/" + preset + ".conf");
        } else {
            File f = new File(preset);
            if (!f.isFile()) {
                throw new ConfigError("model.preset: no preset or file named " + preset);
            }
            m = ConfigFactory.parseFile(f);
        }
        List<Integer> in = m.getIntList("input");
        if (in.size() != 3) {
            throw new ConfigError("model input must be [D, H, W], found " + in);
        }
        return new int[] {in.get(0), in.get(1), in.get(2)};
    }

    @Override
    public int[] flipAxes() {
        return flipAxes.clone();
    }
}
