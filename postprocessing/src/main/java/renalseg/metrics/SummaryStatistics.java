package renalseg.metrics;

import java.util.Arrays;
import java.util.Collection;

/**
 * Descriptive statistics of one metric over a cohort: sample standard deviation (n - 1, as numpy's
 * {@code std(ddof=1)}, R's {@code sd} and pandas' {@code describe}; NaN for one value) and the median as the
 * mean of the two middle values for even n (numpy's). Non-finite and null values are left out, so a
 * distance that is null for an empty mask does not count; with no value left every statistic is NaN.
 */
public record SummaryStatistics(int n, double mean, double sd, double median, double min, double max) {

    public static SummaryStatistics of(double... values) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        int n = v.length;
        if (n == 0) {
            return new SummaryStatistics(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        double mean = sum / n;
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new SummaryStatistics(n, mean, sd, median, v[0], v[n - 1]);
    }

    /** Over boxed values; nulls (a distance of an empty mask) are left out. */
    public static SummaryStatistics of(Collection<? extends Number> values) {
        return of(values.stream().filter(x -> x != null).mapToDouble(Number::doubleValue).toArray());
    }

    /** A rate (detection sensitivity, say) over {@code n} cases: the mean alone. */
    public static SummaryStatistics rate(int n, Double rate) {
        double nan = Double.NaN;
        return new SummaryStatistics(n, rate == null ? nan : rate, nan, nan, nan, nan);
    }
}
