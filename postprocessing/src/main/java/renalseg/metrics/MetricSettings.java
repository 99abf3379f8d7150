package renalseg.metrics;

import com.typesafe.config.Config;

/**
 * Evaluation settings: the surface Dice tolerance per region (mm), and how far prediction and truth affines
 * may differ per element (mm) and still count as the same grid.
 */
public record MetricSettings(double kidneyToleranceMm, double tumorToleranceMm,
                             double kidneyAndTumorToleranceMm, double affineToleranceMm) {

    public MetricSettings {
        for (double t : new double[] {kidneyToleranceMm, tumorToleranceMm, kidneyAndTumorToleranceMm}) {
            if (!(t >= 0) || Double.isInfinite(t)) {
                throw new IllegalArgumentException("surface Dice tolerance must be a finite number >= 0, got " + t);
            }
        }
        if (!(affineToleranceMm >= 0)) {
            throw new IllegalArgumentException("affine tolerance must be >= 0, got " + affineToleranceMm);
        }
    }

    /** 2 mm for every region (docs/metrics.md's default); affines equal within 1e-3 mm. */
    public static MetricSettings defaults() {
        return new MetricSettings(2.0, 2.0, 2.0, 1e-3);
    }

    /** The {@code evaluate} section of a loaded configuration. */
    public static MetricSettings from(Config config) {
        Config e = config.getConfig("evaluate");
        double all = e.getDouble("surface-dice-tolerance-mm");
        return new MetricSettings(
            orDefault(e, "surface-dice-tolerance-kidney-mm", all),
            orDefault(e, "surface-dice-tolerance-tumor-mm", all),
            orDefault(e, "surface-dice-tolerance-kidney-and-tumor-mm", all),
            e.getDouble("affine-tolerance-mm"));
    }

    private static double orDefault(Config e, String key, double fallback) {
        return e.hasPath(key) ? e.getDouble(key) : fallback;
    }

    public double toleranceMm(Region region) {
        return switch (region) {
            case KIDNEY -> kidneyToleranceMm;
            case TUMOR -> tumorToleranceMm;
            case KIDNEY_AND_TUMOR -> kidneyAndTumorToleranceMm;
        };
    }
}
