package renalseg.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import renalseg.networks.FcnPpm;
import renalseg.networks.GradientWorkspaces;
import renalseg.networks.ModelSpec;
import renalseg.plan.SegmentationPlan;

/**
 * Trains the network one minibatch at a time from any source of DL4J DataSets (features
 * [B, 1, D, H, W], one-hot labels [B, classes, D, H, W]; see {@link Batches}). The optimizer and its
 * schedule live in the graph configuration ({@link TrainSettings#networkSetup()}), so a checkpoint
 * restores the exact trajectory: given the same minibatches, resuming equals never stopping.
 */
public final class Trainer {

    private final ComputationGraph network;
    private final ModelSpec spec;
    private final TrainSettings settings;
    private final double normalizationMean;
    private TrainingPosition position;
    private final List<HistoryRow> history;
    private double lastLoss = Double.NaN;
    private final SegmentationPlan plan;

    private Trainer(ComputationGraph network, ModelSpec spec, TrainSettings settings, double normalizationMean,
                    TrainingPosition position, List<HistoryRow> history, SegmentationPlan plan) {
        this.plan = plan;
        this.network = network;
        this.spec = spec;
        this.settings = settings;
        this.normalizationMean = normalizationMean;
        this.position = position;
        this.history = new ArrayList<>(history);
    }

    /** A fresh network initialized from {@code settings.seed()}. */
    public static Trainer start(ModelSpec spec, TrainSettings settings, double normalizationMean) {
        return start(spec, settings, normalizationMean, null);
    }

    /** @param plan saved in every checkpoint (null: none, e.g. the localizer, whose plan is its own file) */
    public static Trainer start(ModelSpec spec, TrainSettings settings, double normalizationMean,
                                SegmentationPlan plan) {
        ComputationGraph net = FcnPpm.build(spec, settings.networkSetup());
        return new Trainer(net, spec, settings, normalizationMean, TrainingPosition.start(), List.of(), plan);
    }

    public static Trainer resume(Checkpoint c) {
        return new Trainer(c.network(), c.spec(), c.settings(), c.normalizationMean(), c.position(), c.history(),
            c.plan());
    }

    public static Trainer resume(Path checkpoint) throws IOException {
        return resume(Checkpoint.read(checkpoint));
    }

    /**
     * Runs up to {@code steps} iterations (fewer if the batches run out or the configured total is reached),
     * one minibatch each. {@code onRow} sees each history row as it is recorded (every log-every iterations
     * and the last one); may be null.
     */
    public List<HistoryRow> fit(Iterator<DataSet> batches, long steps, Consumer<HistoryRow> onRow) {
        List<HistoryRow> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        double elapsedBefore = history.isEmpty() ? 0 : history.get(history.size() - 1).timeS();
        long windowStart = System.nanoTime();
        long windowSamples = 0;
        long end = Math.min(position.iteration() + steps, settings.totalIterations());
        while (position.iteration() < end && batches.hasNext()) {
            DataSet ds = batches.next();
            long it = position.iteration();
            GradientWorkspaces.releaseWhenConsumed(network);
            network.fit(ds);
            lastLoss = network.score();
            if (!Double.isFinite(lastLoss)) {
                throw new IllegalStateException("loss is " + lastLoss + " at iteration " + it
                    + " (learning rate " + settings.learningRateAt(it) + ")");
            }
            int n = (int) ds.getFeatures().size(0);
            windowSamples += n;
            long next = it + 1;
            position = new TrainingPosition(next, (int) (next / settings.iterationsPerEpoch()),
                position.samplesSeen() + n);
            network.getConfiguration().setEpochCount(position.epoch());
            if (next % settings.logEvery() == 0 || next == end || !batches.hasNext()) {
                long now = System.nanoTime();
                double rate = windowSamples / Math.max(1e-9, (now - windowStart) / 1e9);
                HistoryRow row = new HistoryRow(0, next, lastLoss, settings.learningRateAt(it), rate,
                    elapsedBefore + (now - t0) / 1e9);
                rows.add(row);
                history.add(row);
                if (onRow != null) {
                    onRow.accept(row);
                }
                windowStart = now;
                windowSamples = 0;
            }
        }
        return rows;
    }

    public Checkpoint checkpoint() {
        return new Checkpoint(network, spec, settings, normalizationMean, position, history, plan);
    }

    public void save(Path file) throws IOException {
        checkpoint().write(file);
    }

    public ComputationGraph network() {
        return network;
    }

    public ModelSpec spec() {
        return spec;
    }

    public TrainSettings settings() {
        return settings;
    }

    public double normalizationMean() {
        return normalizationMean;
    }

    public TrainingPosition position() {
        return position;
    }

    public List<HistoryRow> history() {
        return List.copyOf(history);
    }

    /** The plan its checkpoints carry, or null. */
    public SegmentationPlan plan() {
        return plan;
    }

    public double lastLoss() {
        return lastLoss;
    }
}
