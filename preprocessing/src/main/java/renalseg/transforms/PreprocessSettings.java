package renalseg.transforms;

import com.typesafe.config.Config;
import renalseg.config.ConfigError;

/**
 * The {@code preprocess} section: the HU window and optional resampling.
 *
 * @param spacingMm target spacing per canonical axis (x, y, z), used only when {@code resample}
 */
public record PreprocessSettings(double huMin, double huMax, boolean resample, double[] spacingMm)
    implements java.io.Serializable {

    public PreprocessSettings {
        if (!(huMax > huMin)) {
            throw new ConfigError("preprocess.hu-max (" + huMax + ") must be above preprocess.hu-min (" + huMin + ")");
        }
        if (spacingMm.length != 3) {
            throw new ConfigError("preprocess.resample.spacing-mm needs 3 values (x, y, z)");
        }
        for (double s : spacingMm) {
            if (!(s > 0)) {
                throw new ConfigError("preprocess.resample.spacing-mm must be positive");
            }
        }
        spacingMm = spacingMm.clone();
    }

    public static PreprocessSettings from(Config c) {
        return new PreprocessSettings(c.getDouble("preprocess.hu-min"), c.getDouble("preprocess.hu-max"),
            c.getBoolean("preprocess.resample.enabled"),
            c.getDoubleList("preprocess.resample.spacing-mm").stream().mapToDouble(Double::doubleValue).toArray());
    }

    public HuWindow window() {
        return new HuWindow(huMin, huMax);
    }

    @Override
    public double[] spacingMm() {
        return spacingMm.clone();
    }
}
