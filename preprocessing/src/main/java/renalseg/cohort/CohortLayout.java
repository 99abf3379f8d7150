package renalseg.cohort;

import java.util.Locale;
import renalseg.config.ConfigError;

/** How a cohort is laid out at its URI. */
public enum CohortLayout {
    /** Manifest when the URI ends in .csv, KiTS21 when case folders hold aggregated_MAJ_seg.nii.gz, else KiTS19. */
    AUTO,
    /** {@code case_XXXXX/imaging.nii.gz} and, when labelled, {@code case_XXXXX/segmentation.nii.gz}. */
    KITS19,
    /** {@code case_XXXXX/imaging.nii.gz} and {@code case_XXXXX/aggregated_MAJ_seg.nii.gz} (1 kidney, 2 tumor, 3 cyst). */
    KITS21,
    /** A CSV file with the header {@code case_id,image_uri,label_uri}; label_uri may be empty. */
    MANIFEST;

    public static CohortLayout parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigError("cohort.layout: unknown layout \"" + s + "\" (auto, kits19, kits21, manifest)");
        }
    }
}
