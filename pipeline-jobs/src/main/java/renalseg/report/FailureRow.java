package renalseg.report;

/** One row of the run's {@code failures} table: a case a stage could not process, and why. */
public record FailureRow(String caseId, String stage, String errorType, String message) {
}
