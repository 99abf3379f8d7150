package renalseg.metrics;

import java.util.Collection;

/**
 * Tumor detection over a cohort: sensitivity = detected / cases with a true tumor, specificity = cases
 * without a true tumor and without a predicted one / cases without a true tumor. A rate with no cases to
 * count is null.
 */
public record DetectionStatistics(int positives, int detected, int negatives, int falsePositives) {

    /** From the tumor rows of per-case metrics (other regions' rows are ignored). */
    public static DetectionStatistics of(Collection<RegionMetrics> rows) {
        int pos = 0;
        int det = 0;
        int neg = 0;
        int fp = 0;
        for (RegionMetrics m : rows) {
            if (!Region.TUMOR.id().equals(m.region())) {
                continue;
            }
            if (m.truthMl() > 0) {
                pos++;
                if (Boolean.TRUE.equals(m.detected())) {
                    det++;
                }
            } else {
                neg++;
                if (Boolean.TRUE.equals(m.falsePositive())) {
                    fp++;
                }
            }
        }
        return new DetectionStatistics(pos, det, neg, fp);
    }

    public Double sensitivity() {
        return positives == 0 ? null : (double) detected / positives;
    }

    public Double specificity() {
        return negatives == 0 ? null : (double) (negatives - falsePositives) / negatives;
    }
}
