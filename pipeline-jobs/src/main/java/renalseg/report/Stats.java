package renalseg.report;

import java.util.Arrays;

/**
 * Descriptive statistics of one metric over the cohort, as the summary table defines them: sample
 * standard deviation (n - 1, as numpy's {@code std(ddof=1)} and R's {@code sd}; NaN for one value) and the
 * median as the mean of the two middle values for even n. Non-finite values are left out.
 */
public record Stats(int n, double mean, double sd, double median, double min, double max) {

    public static Stats of(double... values) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        int n = v.length;
        if (n == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
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
        return new Stats(n, mean, sd, median, v[0], v[n - 1]);
    }
}
