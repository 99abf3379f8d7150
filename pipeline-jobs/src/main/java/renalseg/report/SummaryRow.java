package renalseg.report;

/**
 * One row of the run's {@code summary} table: a statistic of one metric over the cohort. Tumor detection
 * is metric {@code detection_sensitivity} / {@code detection_specificity} with its value in {@code mean}.
 */
public record SummaryRow(String region, String metric, long n, Double mean, Double sd, Double median, Double min,
                         Double max) {
}
