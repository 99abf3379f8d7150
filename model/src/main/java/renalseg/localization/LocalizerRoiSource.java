package renalseg.localization;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import renalseg.roi.RoiPlacement;
import renalseg.roi.RoiSettings;
import renalseg.roi.RoiSource;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * Kidney ROIs from the coarse localizer ({@code roi.source = localizer}): labels, when the case has any,
 * are ignored, so evaluation on labelled cases measures the honest end-to-end result. Every case's
 * finding is logged (one line; a single kidney or none says so).
 */
public final class LocalizerRoiSource implements RoiSource {

    private final Localizer localizer;
    private final RoiSettings roi;
    private final PrintStream log;

    /** @param log where the one-line finding per case goes (stderr in the CLI), or null for none */
    public LocalizerRoiSource(Localizer localizer, RoiSettings roi, PrintStream log) {
        this.localizer = localizer;
        this.roi = roi;
        this.log = log;
    }

    @Override
    public List<RoiPlacement> place(String caseId, ImageVolume image, LabelVolume labels) {
        return localize(caseId, image).placements();
    }

    /** The full finding (placements, kidneys, dropped components, time). */
    public Localization localize(String caseId, ImageVolume canonical) {
        Localization l = localizer.localize(caseId, canonical, roi);
        if (log != null) {
            log.println(l.describe());
        }
        return l;
    }

    /**
     * The localizer stored with a checkpoint, for {@code segment} without {@code --label}: {@code path} is the
     * checkpoint folder (holding {@code localizer/}), the localizer folder itself, or a fine-network
     * checkpoint file whose folder holds {@code localizer/}.
     *
     * @throws renalseg.util.InputError when there is none
     */
    public static LocalizerRoiSource forCheckpoint(Path path, RoiSettings roi, PrintStream log) throws IOException {
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        return new LocalizerRoiSource(Localizer.load(dir), roi, log);
    }

    public Localizer localizer() {
        return localizer;
    }
}
