package renalseg.metrics;

import java.util.Arrays;

/** Percentiles by linear interpolation between order statistics (numpy.percentile's default method). */
public final class Percentile {

    private Percentile() {
    }

    /** The p-th percentile (0..100) of {@code values} (not modified; must not be empty). */
    public static double linear(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("percentile of no values");
        }
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
        }
        double[] a = values.clone();
        Arrays.sort(a);
        double pos = p / 100.0 * (a.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, a.length - 1);
        double t = pos - lo;
        // numpy's _lerp: a + (b - a) t, computed from the upper end when t >= 0.5 (exact at t = 1)
        double diff = a[hi] - a[lo];
        return t >= 0.5 ? a[hi] - diff * (1 - t) : a[lo] + diff * t;
    }
}
