package renalseg.training;

/**
 * Where training stands: iterations done (= the index of the next minibatch), the epoch of the next
 * iteration and the samples consumed (a deterministic sample source resumes at {@code samplesSeen}).
 */
public record TrainingPosition(long iteration, int epoch, long samplesSeen) {

    public static TrainingPosition start() {
        return new TrainingPosition(0, 0, 0);
    }
}
