package renalseg.training;

/**
 * One row of the training history (the {@code history} table: round, iteration, loss, learning_rate,
 * samples_per_s, time_s). {@code round} is 0 for single-JVM training; distributed training numbers its
 * averaging rounds. {@code loss} is the minibatch loss before the update; time is since training started.
 */
public record HistoryRow(int round, long iteration, double loss, double learningRate, double samplesPerS,
                         double timeS) {
}
