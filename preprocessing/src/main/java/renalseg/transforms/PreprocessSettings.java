package renalseg.transforms;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import renalseg.config.ConfigError;

/**
 * The {@code preprocess} section: the HU window and optional resampling.
 *
 * @param spacingMm target spacing per canonical axis (x, y, z), used only when {@code resample}; null for
 *                  {@code auto} until {@link #withSpacing} sets the training cases' median
 *                  ({@link TargetSpacing#median})
 */
public record PreprocessSettings(double huMin, double huMax, boolean resample, double[] spacingMm)
    implements java.io.Serializable {

    public PreprocessSettings {
        if (!(huMax > huMin)) {
            throw new ConfigError("preprocess.hu-max (" + huMax + ") must be above preprocess.hu-min (" + huMin + ")");
        }
        if (spacingMm != null) {
            if (spacingMm.length != 3) {
                throw new ConfigError("preprocess.resample.spacing-mm needs 3 values (x, y, z) or auto");
            }
            for (double s : spacingMm) {
                if (!(s > 0) || Double.isInfinite(s)) {
                    throw new ConfigError("preprocess.resample.spacing-mm must be positive");
                }
            }
            spacingMm = spacingMm.clone();
        }
    }

    public static final String SPACING_KEY = "preprocess.resample.spacing-mm";

    public static PreprocessSettings from(Config c) {
        ConfigValue v = c.getValue(SPACING_KEY);
        double[] spacing;
        if (v.valueType() == ConfigValueType.STRING) {
            if (!"auto".equalsIgnoreCase(c.getString(SPACING_KEY).trim())) {
                throw new ConfigError(SPACING_KEY + " must be 3 numbers (x, y, z in mm) or auto, not '"
                    + c.getString(SPACING_KEY) + "'");
            }
            spacing = null;
        } else {
            spacing = c.getDoubleList(SPACING_KEY).stream().mapToDouble(Double::doubleValue).toArray();
        }
        return new PreprocessSettings(c.getDouble("preprocess.hu-min"), c.getDouble("preprocess.hu-max"),
            c.getBoolean("preprocess.resample.enabled"), spacing);
    }

    /** Resampling is on and the spacing is {@code auto}, not yet resolved from the training cases. */
    public boolean autoSpacing() {
        return resample && spacingMm == null;
    }

    /** These settings with a resolved target spacing (what {@code auto} stands for in this run). */
    public PreprocessSettings withSpacing(double[] spacing) {
        return new PreprocessSettings(huMin, huMax, resample, spacing);
    }

    public HuWindow window() {
        return new HuWindow(huMin, huMax);
    }

    /** The target spacing; for {@code auto}, only once resolved ({@link #withSpacing}). */
    @Override
    public double[] spacingMm() {
        if (spacingMm == null) {
            throw new IllegalStateException(SPACING_KEY + " = auto has not been resolved from the training cases");
        }
        return spacingMm.clone();
    }
}
