package renalseg.roi;

import com.typesafe.config.Config;
import java.util.Locale;
import renalseg.config.ConfigError;

/**
 * The {@code roi} section.
 *
 * @param inPlane          in-plane window edge (voxels or mm, per {@code mm})
 * @param mm               true when {@code inPlane} is in mm
 * @param sliceMargin      extra slices above and below the kidney
 * @param padHu            HU value for voxels beyond the volume
 * @param minKidneyFraction a second component counts as the other kidney only when at least this fraction
 *                         of the largest; smaller components join the nearest kidney
 */
public record RoiSettings(double inPlane, boolean mm, int sliceMargin, double padHu, double minKidneyFraction)
    implements java.io.Serializable {

    public RoiSettings {
        if (!(inPlane > 0) || sliceMargin < 0) {
            throw new ConfigError("roi.in-plane must be positive and roi.slice-margin not negative");
        }
    }

    public static RoiSettings from(Config c) {
        String unit = c.getString("roi.unit").toLowerCase(Locale.ROOT);
        if (!unit.equals("voxels") && !unit.equals("mm")) {
            throw new ConfigError("roi.unit must be voxels or mm, not " + unit);
        }
        return new RoiSettings(c.getDouble("roi.in-plane"), unit.equals("mm"), c.getInt("roi.slice-margin"),
            c.getDouble("roi.pad-hu"), c.getDouble("roi.min-kidney-fraction"));
    }

    /** Window edge in voxels along a canonical in-plane axis with this spacing. */
    public int windowVoxels(double spacingMm) {
        return Math.max(1, (int) Math.round(mm ? inPlane / spacingMm : inPlane));
    }
}
