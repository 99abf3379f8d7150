package renalseg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import renalseg.augment.SampleTensor;
import renalseg.config.RenalsegConfig;
import renalseg.networks.CrossEntropyDiceLoss;
import renalseg.networks.FcnPpm;
import renalseg.networks.ModelSpec;

class TrainerTest {

    static final ModelSpec SMALL = ModelSpec.load("small");

    /** Settings: small batches, decay after epoch 1 of 2-iteration epochs so the resume crosses a decay. */
    static TrainSettings settings() {
        TrainSettings d = TrainSettings.from(RenalsegConfig.defaults());
        return new TrainSettings(3, 2, 2, 1e-2, 0.9, 1e-5, new int[] {1, 2}, 0.1, d.classWeights(), 0, 7, 0, 1,
            "float");
    }

    /** Minibatch i depends only on i: a bright box labelled kidney with a brighter core labelled tumor. */
    static DataSet batch(long i) {
        Random r = new Random(1000 + i);
        List<SampleTensor> s = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            s.add(syntheticSample(r, 16, 32, 32));
        }
        return Batches.toDataSet(s, 3, DataType.FLOAT);
    }

    static SampleTensor syntheticSample(Random r, int d, int h, int w) {
        float[] f = new float[d * h * w];
        byte[] l = new byte[d * h * w];
        int cz = 4 + r.nextInt(d - 8);
        int cy = 8 + r.nextInt(h - 16);
        int cx = 8 + r.nextInt(w - 16);
        int rad = 3 + r.nextInt(3);
        for (int z = 0; z < d; z++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = (z * h + y) * w + x;
                    double dist = Math.sqrt(Math.pow((z - cz) * 2.0, 2) + Math.pow(y - cy, 2) + Math.pow(x - cx, 2));
                    float v = (float) (r.nextGaussian() * 0.05);
                    if (dist < rad * 1.8) {
                        v += 0.4f;
                        l[i] = 1;
                    }
                    if (dist < rad * 0.8) {
                        v += 0.4f;
                        l[i] = 2;
                    }
                    f[i] = v - 0.1f;
                }
            }
        }
        return new SampleTensor(d, h, w, f, l);
    }

    static Iterator<DataSet> from(long first) {
        return new Iterator<>() {
            long i = first;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public DataSet next() {
                return batch(i++);
            }
        };
    }

    @Test
    void resumingFromACheckpointContinuesTheSameTrajectory(@TempDir Path dir) throws Exception {
        Trainer straight = Trainer.start(SMALL, settings(), 0.25);
        straight.fit(from(0), 6, null);
        assertEquals(6, straight.position().iteration());

        Trainer first = Trainer.start(SMALL, settings(), 0.25);
        first.fit(from(0), 3, null);
        Path ck = dir.resolve("ck.zip");
        first.save(ck);
        Trainer resumed = Trainer.resume(ck);
        assertEquals(new TrainingPosition(3, 1, 6), resumed.position());
        assertEquals(0.25, resumed.normalizationMean());
        assertEquals(3, resumed.history().size());
        resumed.fit(from(resumed.position().iteration()), 3, null);

        INDArray a = straight.network().params();
        INDArray b = resumed.network().params();
        assertEquals(a, b, "identical parameters after 6 iterations, straight vs 3 + checkpoint + 3");
        // and the run moved: the parameters differ from a fresh network's
        assertNotEquals(Trainer.start(SMALL, settings(), 0.25).network().params(), a);
        // learning rate recorded per iteration follows the multistep schedule (2 iterations per epoch)
        List<HistoryRow> h = resumed.history();
        assertEquals(6, h.size());
        assertEquals(1e-2, h.get(1).learningRate(), 1e-15);
        assertEquals(1e-3, h.get(2).learningRate(), 1e-15);
        assertEquals(1e-4, h.get(5).learningRate(), 1e-15);
    }

    @Test
    void checkpointRoundTripGivesIdenticalOutputs(@TempDir Path dir) throws Exception {
        Trainer t = Trainer.start(SMALL, settings(), 0.3);
        t.fit(from(0), 2, null);
        Path ck = dir.resolve("c.zip");
        t.save(ck);
        Checkpoint c = Checkpoint.read(ck);
        assertEquals(SMALL, c.spec());
        assertEquals(settings().batchSize(), c.settings().batchSize());
        INDArray x = batch(99).getFeatures();
        assertEquals(t.network().outputSingle(x), c.network().outputSingle(x));
        assertEquals(t.network().getUpdater().getStateViewArray(), c.network().getUpdater().getStateViewArray());
    }

    /**
     * The dice weight travels in the checkpoint (settings and the network's loss), and a checkpoint written
     * before the key existed (no "diceWeight" in its metadata) reads as the paper's loss alone.
     */
    @Test
    void diceWeightRoundTripsAndOldCheckpointsReadAsZero(@TempDir Path dir) throws Exception {
        TrainSettings s = settings();
        TrainSettings withDice = new TrainSettings(s.epochs(), s.iterationsPerEpoch(), s.batchSize(), s.learningRate(),
            s.momentum(), s.l2(), s.lrDecayEpochs(), s.lrDecayGamma(), s.classWeights(), 0.5, s.seed(),
            s.checkpointEvery(), s.logEvery(), s.dataType());
        Trainer t = Trainer.start(SMALL, withDice, 0.3);
        Path ck = dir.resolve("c.zip");
        t.save(ck);
        Checkpoint c = Checkpoint.read(ck);
        assertEquals(0.5, c.settings().diceWeight(), 0);
        LayerVertex out = (LayerVertex) c.network().getConfiguration().getVertices().get(FcnPpm.OUTPUT);
        assertEquals(new CrossEntropyDiceLoss(s.classWeights(), 0.5),
            ((Cnn3DLossLayer) out.getLayerConf().getLayer()).getLossFn());
        try (FileSystem zip = FileSystems.newFileSystem(ck)) {
            Path meta = zip.getPath(Checkpoint.META_ENTRY);
            ObjectMapper json = new ObjectMapper();
            ObjectNode tree = (ObjectNode) json.readTree(Files.readAllBytes(meta));
            assertTrue(((ObjectNode) tree.get("train")).remove("diceWeight") != null, "the key was written");
            Files.write(meta, json.writeValueAsBytes(tree));
        }
        assertEquals(0, Checkpoint.read(ck).settings().diceWeight(), 0);
    }

    /** The updater against a hand loop of v = m v + g; p -= lr v with the learning rate changing. */
    @Test
    void sgdMomentumIsClassicalMomentum() {
        TrainSettings s = settings();
        SgdMomentum u = (SgdMomentum) s.networkSetup().updater();
        INDArray state = Nd4j.zeros(DataType.DOUBLE, 1, 3);
        GradientUpdater<?> gu = u.instantiate(state, true);
        double[] v = new double[3];
        double[][] grads = {{1, -2, 0.5}, {0.5, 0.5, -1}, {2, 0, 1}, {-1, 1, 1}};
        for (int it = 0; it < grads.length; it++) {
            INDArray g = Nd4j.create(grads[it], new long[] {1, 3}, DataType.DOUBLE);
            gu.applyUpdater(g, it, 0);
            double lr = it < 2 ? 1e-2 : 1e-3; // decay after epoch 1 = iteration 2
            for (int j = 0; j < 3; j++) {
                v[j] = 0.9 * v[j] + grads[it][j];
                assertEquals(lr * v[j], g.getDouble(0, j), 1e-15, "iteration " + it + " element " + j);
            }
        }
        assertTrue(Map.of("V", state).get("V").getDouble(0, 0) != 0);
    }
}
