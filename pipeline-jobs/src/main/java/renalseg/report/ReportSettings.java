package renalseg.report;

import com.typesafe.config.Config;

/**
 * Settings of the study report ({@code report.*} in conf/defaults.conf): the CT display window of the
 * overlay slices, in HU.
 */
public record ReportSettings(double windowWidth, double windowLevel) {

    /** Soft-tissue window W400/L40, the usual abdominal CT window. */
    public static final ReportSettings DEFAULTS = new ReportSettings(400, 40);

    public ReportSettings {
        if (!(windowWidth > 0)) {
            throw new IllegalArgumentException("report.window-width must be positive, not " + windowWidth);
        }
    }

    public static ReportSettings from(Config cfg) {
        return new ReportSettings(cfg.getDouble("report.window-width"), cfg.getDouble("report.window-level"));
    }
}
