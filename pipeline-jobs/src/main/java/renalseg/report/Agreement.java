package renalseg.report;

import renalseg.metrics.SummaryStatistics;

/**
 * Bland-Altman agreement of paired measurements: bias = mean of (pred - truth), sd of the differences
 * (n - 1), 95% limits of agreement bias +- 1.96 sd (Bland and Altman, Lancet 1986).
 */
record Agreement(int n, double bias, double sd, double lower, double upper) {

    static Agreement of(double[] truth, double[] pred) {
        if (truth.length != pred.length) {
            throw new IllegalArgumentException("paired values differ in count: " + truth.length + " vs " + pred.length);
        }
        double[] d = new double[truth.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = pred[i] - truth[i];
        }
        SummaryStatistics s = SummaryStatistics.of(d);
        return new Agreement(s.n(), s.mean(), s.sd(), s.mean() - 1.96 * s.sd(), s.mean() + 1.96 * s.sd());
    }
}
