package renalseg.pipeline.stages;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import renalseg.networks.GradientWorkspaces;
import renalseg.pipeline.TaskSlot;
import renalseg.training.HistoryRow;
import renalseg.training.TrainSettings;
import renalseg.util.Progress;

/**
 * One network trained with DL4J's SparkComputationGraph and a ParameterAveragingTrainingMaster on a
 * deterministic sample stream (sample n is a pure function of n), one averaging round at a time: the
 * driver deals the round's sample numbers into whole worker minibatches (one RDD element each:
 * DataSet.merge cannot join 5-D samples), executors make the minibatches ({@link BatchMaker}), the master
 * fits and averages. Both the fine network and the localizer train through here.
 */
final class ParameterAveraging {

    /** Makes one worker minibatch on an executor from its sample numbers. */
    interface BatchMaker extends Serializable {
        DataSet make(long[] samples) throws Exception;
    }

    /** Called on the driver after each round (history row added), e.g. to write a checkpoint. */
    interface RoundEnd {
        void after(int round, long samplesSeen, ComputationGraph network, boolean last);
    }

    private final JavaSparkContext jsc;
    private final TrainStage.DistributedSettings ds;
    private final TrainSettings ts;
    private final String label;
    private final long progressNanos;
    private long samplesSeen;

    ParameterAveraging(JavaSparkContext jsc, TrainStage.DistributedSettings ds, TrainSettings ts, String label,
                       long progressNanos) {
        this.jsc = jsc;
        this.ds = ds;
        this.ts = ts;
        this.label = label;
        this.progressNanos = progressNanos;
    }

    /** Samples seen once {@link #fit} returns (its start when no round was left). */
    long samplesSeen() {
        return samplesSeen;
    }

    /** Rounds needed for train.epochs x iterations-per-epoch x batch-size samples. */
    int rounds() {
        long total = ts.totalIterations() * ts.batchSize();
        long perRound = ds.samplesPerRound();
        return (int) ((total + perRound - 1) / perRound);
    }

    /**
     * Trains {@code network} from {@code samplesSeen} to the end; {@code history} (the rows before, if
     * resuming) gets one row per round. Returns the trained network (the master's copy).
     */
    ComputationGraph fit(ComputationGraph network, long samplesSeen, List<HistoryRow> history, BatchMaker maker,
                         RoundEnd onRound) {
        ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(ds.workers(),
            ds.batchSizePerWorker())
            .batchSizePerWorker(ds.batchSizePerWorker())
            .averagingFrequency(ds.averagingFrequency())
            .workerPrefetchNumBatches(ds.prefetch())
            .storageLevel(ds.storageLevel())
            .rddTrainingApproach(ds.approach())
            .collectTrainingStats(ds.collectStats())
            .rngSeed(ts.seed())
            // DL4J's default (false) starts every worker's updater from zero each round: momentum SGD with
            // averaging every 8 steps then runs at ~1/3 of its step size and restarts its velocity each round.
            // Averaging the velocities with the parameters keeps v = m v + g running, as one JVM does.
            .saveUpdater(true)
            // the workers' copies of the network are DL4J's: the Trainer's gradient lifetime reaches them here
            .trainingHooks(new ReleaseGradients())
            .build();
        SparkComputationGraph net = new SparkComputationGraph(jsc, network, tm);
        long perRound = ds.samplesPerRound();
        int rounds = rounds();
        int firstRound = (int) (samplesSeen / perRound);
        this.samplesSeen = samplesSeen;
        Progress progress = new Progress(label + " rounds", rounds - firstRound, System.err, progressNanos);
        double timeBefore = history.isEmpty() ? 0 : history.get(history.size() - 1).timeS();
        long t0 = System.nanoTime();
        System.err.printf(Locale.ROOT, "renalseg: train: %s: %d rounds of %d workers x %d minibatches of %d%n", label,
            rounds, ds.workers(), ds.averagingFrequency(), ds.batchSizePerWorker());
        for (int round = firstRound; round < rounds; round++) {
            long tr = System.nanoTime();
            long base = (long) round * perRound;
            List<long[]> batches = new ArrayList<>();
            for (int b = 0; b < ds.workers() * ds.averagingFrequency(); b++) {
                long[] batch = new long[ds.batchSizePerWorker()];
                for (int k = 0; k < batch.length; k++) {
                    batch[k] = base + (long) b * ds.batchSizePerWorker() + k;
                }
                batches.add(batch);
            }
            // DL4J's updater schedule counts iterations: give the workers the global position
            long iteration = base / ts.batchSize();
            net.getNetwork().getConfiguration().setIterationCount((int) Math.min(Integer.MAX_VALUE, iteration));
            net.getNetwork().getConfiguration().setEpochCount((int) (iteration / ts.iterationsPerEpoch()));
            // binding in the task that makes the minibatches caps the executor's native threads (process-wide)
            // before DL4J's fit runs there; the per-thread OpenMP cap applies where DL4J fits in the same task
            JavaRDD<DataSet> data = jsc.parallelize(batches, ds.workers()).map(b -> {
                TaskSlot.bind();
                return maker.make(b);
            });
            net.fit(data);
            double loss = net.getScore();
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException(label + ": training diverged: loss " + loss + " in round " + round);
            }
            long seen = base + perRound;
            this.samplesSeen = seen;
            double secs = (System.nanoTime() - tr) / 1e9;
            history.add(new HistoryRow(round, seen / ts.batchSize(), loss, ts.learningRateAt(iteration),
                perRound / Math.max(1e-9, secs), timeBefore + (System.nanoTime() - t0) / 1e9));
            progress.step(1);
            onRound.after(round, seen, net.getNetwork(), round == rounds - 1);
        }
        if (!history.isEmpty()) {
            System.err.printf(Locale.ROOT, "renalseg: train: %s: final loss %.4f after %d rounds%n", label,
                history.get(history.size() - 1).loss(), rounds);
        }
        return net.getNetwork();
    }

    /** {@link GradientWorkspaces#releaseWhenConsumed} on a worker's network before each of its minibatches. */
    static final class ReleaseGradients implements TrainingHook {
        private static final long serialVersionUID = 1L;

        @Override
        public void preUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
            release(model);
        }

        @Override
        public void preUpdate(MultiDataSet minibatch, Model model) {
            release(model);
        }

        @Override
        public void postUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
        }

        @Override
        public void postUpdate(MultiDataSet minibatch, Model model) {
        }

        private static void release(Model model) {
            if (model instanceof ComputationGraph g) {
                GradientWorkspaces.releaseWhenConsumed(g);
            }
        }
    }
}
