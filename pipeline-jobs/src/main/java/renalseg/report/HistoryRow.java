package renalseg.report;

/** One row of the run's {@code history} table: training progress at one iteration. */
public record HistoryRow(long round, long iteration, double loss, double learningRate, Double samplesPerS,
                         Double timeS) {
}
