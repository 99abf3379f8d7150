package renalseg.report;

import java.time.Instant;

/** One row of the run's {@code stages} table: when a stage ran, how long, and how many cases it processed. */
public record StageRow(String stage, Instant startedAt, double seconds, long casesOk, long casesFailed) {
}
