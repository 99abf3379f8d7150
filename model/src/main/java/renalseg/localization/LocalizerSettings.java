package renalseg.localization;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Arrays;
import renalseg.config.ConfigError;
import renalseg.training.TrainSettings;

/**
 * The {@code localizer} section: the coarse grid, how components become ROIs, the inference window and
 * the localizer's own training settings ({@code localizer.train}, the keys of {@code train} plus
 * {@code p-foreground}).
 *
 * @param preset         model preset or .conf file of the coarse network (2 classes)
 * @param spacingMm      coarse grid spacing per canonical axis (x, y, z)
 * @param marginMm       safety margin added on every side of a found kidney's box before the ROI rules
 * @param minComponentMl components smaller than this are not kidneys
 * @param maxWindow      largest inference window (D, H, W coarse voxels); smaller scans run in one window
 * @param threshold      a coarse voxel is kidney-or-tumor when its probability reaches this (below 0.5
 *                       trades precision for recall, which is what matters for ROIs)
 * @param pForeground    probability that a training crop is centred on a kidney-or-tumor voxel
 */
public record LocalizerSettings(String preset, double[] spacingMm, double marginMm, double minComponentMl,
                                int[] maxWindow, double threshold, double pForeground, TrainSettings train) {

    public LocalizerSettings {
        spacingMm = spacingMm.clone();
        maxWindow = maxWindow.clone();
        if (spacingMm.length != 3 || Arrays.stream(spacingMm).anyMatch(s -> !(s > 0))) {
            throw new ConfigError("localizer.spacing-mm needs 3 positive values (x, y, z)");
        }
        if (!(marginMm >= 0) || !(minComponentMl >= 0)) {
            throw new ConfigError("localizer.margin-mm and localizer.min-component-ml must not be negative");
        }
        if (maxWindow.length != 3 || Arrays.stream(maxWindow).anyMatch(w -> w < 1)) {
            throw new ConfigError("localizer.max-window needs 3 positive sizes (D, H, W)");
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw new ConfigError("localizer.threshold must be in (0, 1)");
        }
        if (!(pForeground >= 0 && pForeground <= 1)) {
            throw new ConfigError("localizer.train.p-foreground must be in [0, 1]");
        }
        if (train.classWeights().length != 2) {
            throw new ConfigError("localizer.train.class-weights needs 2 weights (background, kidney-or-tumor)");
        }
    }

    public static LocalizerSettings from(Config root) {
        Config c = root.getConfig("localizer");
        // TrainSettings reads a "train" section: hand it localizer.train under that name
        Config train = ConfigFactory.empty().withValue("train", c.getValue("train"));
        return new LocalizerSettings(c.getString("preset"),
            c.getDoubleList("spacing-mm").stream().mapToDouble(Double::doubleValue).toArray(),
            c.getDouble("margin-mm"), c.getDouble("min-component-ml"),
            c.getIntList("max-window").stream().mapToInt(Integer::intValue).toArray(), c.getDouble("threshold"),
            c.getDouble("train.p-foreground"), TrainSettings.from(train));
    }

    @Override
    public double[] spacingMm() {
        return spacingMm.clone();
    }

    @Override
    public int[] maxWindow() {
        return maxWindow.clone();
    }

    public LocalizerSettings withSpacing(double[] s) {
        return new LocalizerSettings(preset, s, marginMm, minComponentMl, maxWindow, threshold, pForeground, train);
    }

    public LocalizerSettings withMargin(double mm, double minMl) {
        return new LocalizerSettings(preset, spacingMm, mm, minMl, maxWindow, threshold, pForeground, train);
    }

    public LocalizerSettings withTrain(TrainSettings t) {
        return new LocalizerSettings(preset, spacingMm, marginMm, minComponentMl, maxWindow, threshold, pForeground, t);
    }
}
