package renalseg.localization;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import renalseg.config.ConfigError;
import renalseg.roi.LabelRoiSource;
import renalseg.roi.RoiSettings;
import renalseg.roi.RoiSource;
import renalseg.util.InputError;

/**
 * The ROI source that {@code roi.source} names: {@code labels} ({@link LabelRoiSource}, needs label maps)
 * or {@code localizer} ({@link LocalizerRoiSource}, from the localizer saved with the checkpoints).
 */
public final class RoiSources {

    private RoiSources() {
    }

    /**
     * @param checkpoints the checkpoint folder holding {@code localizer/} (or a checkpoint file beside it);
     *                    only read for {@code localizer}
     * @param log         where the localizer's one line per case goes, or null
     */
    public static RoiSource fromConfig(Config c, Path checkpoints, PrintStream log) throws IOException {
        RoiSettings rs = RoiSettings.from(c);
        String s = c.getString("roi.source").toLowerCase(Locale.ROOT);
        return switch (s) {
            case "labels" -> new LabelRoiSource(rs);
            case "localizer" -> {
                if (checkpoints == null) {
                    throw new InputError("roi.source = localizer needs the checkpoint folder that holds localizer/");
                }
                yield LocalizerRoiSource.forCheckpoint(checkpoints, rs, log);
            }
            default -> throw new ConfigError("roi.source must be labels or localizer, not '" + s + "'");
        };
    }
}
