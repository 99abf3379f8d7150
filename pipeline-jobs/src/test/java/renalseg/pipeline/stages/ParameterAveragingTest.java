package renalseg.pipeline.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import renalseg.augment.SampleTensor;
import renalseg.networks.ModelSpec;
import renalseg.pipeline.SparkSettings;
import renalseg.pipeline.Sparks;
import renalseg.training.Batches;
import renalseg.training.HistoryRow;
import renalseg.training.TrainSettings;
import renalseg.training.Trainer;

/**
 * Parameter averaging with one worker averages one network with itself: it must follow the same trajectory
 * as fitting the same minibatches in one JVM. Over two rounds this holds only if the momentum velocity
 * crosses the round boundary (DL4J's default drops the updater state after every average).
 */
class ParameterAveragingTest {

    @Test
    void oneWorkerFollowsOneJvmAcrossRounds() {
        ModelSpec spec = ModelSpec.load("localizer-small");
        // double precision, constant learning rate, no L2: any difference is the algorithm's, not rounding's
        TrainSettings ts = new TrainSettings(1, 6, 2, 0.05, 0.9, 0, new int[0], 0.1, new double[] {0.5, 1.0}, 0, 11,
            0, 1, "double");
        Trainer trainer = Trainer.start(spec, ts, 0.0);
        ComputationGraph reference = trainer.network().clone();
        INDArray initial = trainer.network().params().dup();
        // 1 worker x 3 minibatches of 2 per round: the 6 iterations are 2 rounds
        TrainStage.DistributedSettings ds = new TrainStage.DistributedSettings(1, 2, 3, 0, StorageLevel.MEMORY_ONLY(),
            RDDTrainingApproach.Direct, false, 100, 1);
        ParameterAveraging.BatchMaker maker = ParameterAveragingTest::minibatch;

        SparkSession spark = Sparks.session(new SparkSettings("local[1]", "parameter-averaging-test", Map.of()));
        ComputationGraph averaged;
        try (JavaSparkContext jsc = new JavaSparkContext(spark.sparkContext())) {
            ParameterAveraging pa = new ParameterAveraging(jsc, ds, ts, "test", Long.MAX_VALUE);
            assertEquals(2, pa.rounds());
            List<HistoryRow> history = new ArrayList<>();
            averaged = pa.fit(trainer.network(), 0, history, maker, (round, seen, net, last) -> { });
            assertEquals(2, history.size());
            assertEquals(12, pa.samplesSeen());
        } finally {
            spark.stop();
        }

        for (int b = 0; b < 6; b++) {
            reference.fit(minibatch(new long[] {2L * b, 2L * b + 1}));
        }
        INDArray got = averaged.params();
        INDArray want = reference.params();
        double moved = want.sub(initial).norm2Number().doubleValue();
        double diff = got.sub(want).norm2Number().doubleValue();
        assertTrue(moved > 1e-3, "the reference did not train: moved " + moved);
        assertTrue(diff < 1e-9 * moved, "parameter averaging with one worker left the one-JVM trajectory by "
            + diff + " (parameters moved " + moved + ")");
    }

    /**
     * The hook gives a worker's network (DL4J's copy) the Trainer's gradient lifetime: after enough steps for
     * DL4J to size its gradient workspaces (the control without the hook shows they are), they hold nothing.
     */
    @Test
    void workersFreeEachGradientOnceRead() throws Exception {
        assertTrue(gradientBytesHeldAfterTraining(false) > 0, "DL4J's default keeps blocks: the control");
        assertEquals(0, gradientBytesHeldAfterTraining(true));
    }

    private static long gradientBytesHeldAfterTraining(boolean hook) throws Exception {
        TrainSettings ts = new TrainSettings(1, 6, 2, 0.05, 0.9, 0, new int[0], 0.1, new double[] {0.5, 1.0}, 0, 11,
            0, 1, "double");
        // the workspaces belong to the thread: a fresh one per case
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            return thread.submit(() -> {
                ComputationGraph g = Trainer.start(ModelSpec.load("localizer-small"), ts, 0.0).network();
                for (long n = 0; n < 12; n++) {
                    org.nd4j.linalg.dataset.DataSet batch = minibatch(new long[] {n, n + 1});
                    if (hook) {
                        new ParameterAveraging.ReleaseGradients().preUpdate(batch, g);
                    }
                    g.fit(batch);
                }
                long held = 0;
                for (MemoryWorkspace ws : Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()) {
                    held += ws.getId().startsWith("WS_LAYER_ACT_") ? ws.getCurrentSize() : 0;
                }
                return held;
            }).get();
        } finally {
            thread.shutdownNow();
        }
    }

    /** Minibatch of sample numbers n: a smooth pattern per n, its positive half labelled 1. */
    private static org.nd4j.linalg.dataset.DataSet minibatch(long[] samples) {
        List<SampleTensor> tensors = new ArrayList<>();
        for (long n : samples) {
            int size = 16 * 16 * 16;
            float[] f = new float[size];
            byte[] l = new byte[size];
            for (int i = 0; i < size; i++) {
                int x = i % 16;
                int y = (i / 16) % 16;
                int z = i / 256;
                f[i] = (float) Math.sin(0.4 * x + 0.3 * (n + 1) * y - 0.2 * z + n);
                l[i] = (byte) (f[i] > 0.3 ? 1 : 0);
            }
            tensors.add(new SampleTensor(16, 16, 16, f, l));
        }
        return Batches.toDataSet(tensors, 2, DataType.DOUBLE);
    }
}
