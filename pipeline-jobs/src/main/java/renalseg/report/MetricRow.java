package renalseg.report;

/**
 * One row of the run's {@code metrics} table: one region of one patient (METRICS.md). Distances are null
 * when a mask is empty ({@code nullReason} says which); {@code detected} and {@code falsePositive} are set
 * on tumor rows.
 */
public record MetricRow(String caseId, String region, double dice, Double assdMm, Double assdVox, Double hd95Mm,
                        Double hausdorffMm, double surfaceDice, double predMl, double truthMl, String nullReason,
                        Boolean detected, Boolean falsePositive) {
}
