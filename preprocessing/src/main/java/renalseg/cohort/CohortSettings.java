package renalseg.cohort;

import com.typesafe.config.Config;

/**
 * The {@code cohort} section of the configuration.
 *
 * @param uri                 where the cohort is (null when not configured)
 * @param layout              how it is laid out
 * @param cystAsKidney        KiTS21 label 3 (cyst) becomes kidney (1) when true, background (0) when false
 * @param maxVoxels           the largest volume read, in voxels (checked from the header)
 * @param affineToleranceMm   largest difference per affine element between an image and its label map
 */
public record CohortSettings(String uri, CohortLayout layout, boolean cystAsKidney, long maxVoxels,
                             double affineToleranceMm) implements java.io.Serializable {

    public static CohortSettings from(Config c) {
        return new CohortSettings(
            c.getIsNull("cohort.uri") ? null : c.getString("cohort.uri"),
            CohortLayout.parse(c.getString("cohort.layout")),
            c.getBoolean("cohort.kits21-cyst-as-kidney"),
            c.getLong("cohort.max-voxels"),
            c.getDouble("cohort.affine-tolerance-mm"));
    }
}
