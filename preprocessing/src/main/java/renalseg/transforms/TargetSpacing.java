package renalseg.transforms;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import renalseg.util.InputError;

/**
 * The spacing cases are resampled to when {@code preprocess.resample.spacing-mm = auto}: nnU-Net's plan,
 * the median per canonical axis of the training cases' spacings (numpy's median: the mean of the two middle
 * values for an even count). The median keeps most cases close to their own resolution, where a mean would
 * follow a few outliers (0.5 mm thin-slice scans among 5 mm ones).
 */
public final class TargetSpacing {

    private TargetSpacing() {
    }

    /** @param spacings canonical (x, y, z) spacings in mm, one per training case */
    public static double[] median(List<double[]> spacings) {
        if (spacings.isEmpty()) {
            throw new InputError("preprocess.resample.spacing-mm = auto needs at least one training case");
        }
        double[] out = new double[3];
        double[] v = new double[spacings.size()];
        for (int a = 0; a < 3; a++) {
            for (int i = 0; i < v.length; i++) {
                v[i] = spacings.get(i)[a];
            }
            Arrays.sort(v);
            int m = v.length / 2;
            out[a] = v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
        }
        return out;
    }

    /**
     * The canonical (x = R/L, y = A/P, z = S/I) spacing of a file whose array axes have these spacings and
     * nibabel axis codes (e.g. "IPL": array axis 0 runs towards inferior, so it is canonical z).
     */
    public static double[] canonical(double[] fileSpacing, String axcodes) {
        if (axcodes == null || axcodes.length() != 3 || fileSpacing.length < 3) {
            throw new IllegalArgumentException("need 3 axis codes and 3 spacings, got " + axcodes);
        }
        double[] out = {Double.NaN, Double.NaN, Double.NaN};
        for (int a = 0; a < 3; a++) {
            char c = Character.toUpperCase(axcodes.charAt(a));
            int axis = "LR".indexOf(c) >= 0 ? 0 : "AP".indexOf(c) >= 0 ? 1 : "SI".indexOf(c) >= 0 ? 2 : -1;
            if (axis < 0 || !Double.isNaN(out[axis])) {
                throw new IllegalArgumentException("axis codes " + axcodes.toUpperCase(Locale.ROOT)
                    + " do not name each of L/R, A/P, S/I once");
            }
            out[axis] = fileSpacing[a];
        }
        return out;
    }
}
