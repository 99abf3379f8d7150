package renalseg.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import renalseg.augment.AugmentSettings;
import renalseg.config.RenalsegConfig;
import renalseg.inferers.InferSettings;
import renalseg.inferers.SlidingWindowInferer;
import renalseg.metrics.PooledDice;
import renalseg.networks.ModelSpec;
import renalseg.roi.CasePreprocessor;
import renalseg.roi.KidneyRoi;
import renalseg.roi.LabelRoiSource;
import renalseg.roi.RoiSettings;
import renalseg.synth.Phantom;
import renalseg.synth.PhantomGenerator;
import renalseg.synth.PhantomSize;
import renalseg.transforms.MeanAccumulator;
import renalseg.transforms.PreprocessSettings;

/**
 * Learning is real: the small configuration trained on synthetic phantoms segments held-out phantoms.
 * The CI version trains briefly (system properties renalseg.learning.* lengthen it; the long run and its
 * timings are in the model report) and asserts what that budget reliably reaches.
 */
class SyntheticLearningTest {

    static int prop(String k, int d) {
        return Integer.getInteger("renalseg.learning." + k, d);
    }

    @Test
    void smallModelLearnsSyntheticKidneysAndTumors() {
        int trainCases = prop("train-cases", 6);
        int testCases = prop("test-cases", 2);
        int iterations = prop("iterations", 600);
        double lr = Double.parseDouble(System.getProperty("renalseg.learning.lr", "0.05"));
        // conf/learn-small.conf's recipe (48-voxel ROIs, 40% of crops on tumor, 20% on kidney), shortened
        List<String> sets = new ArrayList<>(List.of("model.preset=small", "roi.in-plane=48", "roi.slice-margin=2",
            "augment.p-tumor=0.4", "augment.p-kidney=0.2",
            "train.batch-size=4", "train.learning-rate=" + lr, "train.lr-decay-epochs=[]",
            "train.iterations-per-epoch=" + iterations, "train.epochs=1", "train.log-every=5"));
        Config c = RenalsegConfig.load(null, sets);
        ModelSpec spec = ModelSpec.load("small");
        PreprocessSettings pre = PreprocessSettings.from(c);
        RoiSettings roiSettings = RoiSettings.from(c);
        CasePreprocessor prep = new CasePreprocessor(pre, roiSettings, new LabelRoiSource(roiSettings));
        List<KidneyRoi> train = new ArrayList<>();
        List<KidneyRoi> test = new ArrayList<>();
        for (int i = 0; i < trainCases + testCases; i++) {
            Phantom p = PhantomGenerator.generate(42, i, PhantomSize.SMALL);
            (i < trainCases ? train : test).addAll(prep.prepare(p.caseId(), p.image(), p.labels()).rois());
        }
        long testTumor = 0;
        for (KidneyRoi r : test) {
            for (byte b : r.labels()) {
                testTumor += b == 2 ? 1 : 0;
            }
        }
        // a tumor-free test set would score tumor Dice 1 for predicting none: the bound below needs tumors
        assertTrue(testTumor > 500, "held-out tumor voxels: " + testTumor);
        MeanAccumulator acc = MeanAccumulator.EMPTY;
        for (KidneyRoi r : train) {
            acc = acc.add(r.voxels());
        }
        double mean = acc.mean();
        float pad = pre.window().scale(roiSettings.padHu());
        TrainSettings ts = TrainSettings.from(c);
        Trainer t = Trainer.start(spec, ts, mean);
        RoiSampleBatches batches = new RoiSampleBatches(train, AugmentSettings.from(c), mean, pad, ts.batchSize(),
            spec.classes(), ts.nd4jDataType(), 0);
        long t0 = System.nanoTime();
        t.fit(batches, iterations, row -> System.out.println("history " + row));
        double trainS = (System.nanoTime() - t0) / 1e9;
        SlidingWindowInferer inf = new SlidingWindowInferer(t.network(), spec.input(), spec.classes(),
            new InferSettings(new double[] {0.0, 0.0, 0.0}, renalseg.postprocessing.voting.VotingMode.MAJORITY, false));
        long t1 = System.nanoTime();
        List<byte[]> truths = new java.util.ArrayList<>();
        List<byte[]> preds = new java.util.ArrayList<>();
        for (KidneyRoi r : test) {
            truths.add(r.labels());
            preds.add(inf.segment(r, mean, pad));
        }
        PooledDice dice = PooledDice.of(truths, preds);
        System.out.printf("learning: %d iterations x batch %d in %.1f s; held-out %s in %.1f s%n", iterations,
            ts.batchSize(), trainS, dice, (System.nanoTime() - t1) / 1e9);
        List<HistoryRow> h = t.history();
        double first = (h.get(0).loss() + h.get(1).loss()) / 2;
        int n = h.size();
        double last = (h.get(n - 1).loss() + h.get(n - 2).loss() + h.get(n - 3).loss()) / 3;
        assertTrue(last < 0.8 * first, "loss fell from " + first + " to " + last);
        // Measured for this budget (600 x 4 samples, lr 0.05; 415-440 s at load 30-45 on the shared 2 cores,
        // est. ~80 CPU-seconds from a 1200-iteration run's 164): held-out kidney Dice 0.86 / tumor 0.22 and,
        // on a second run after SMALL tumors grew to 1-9 ml, 0.71 / 0.28 (multithreaded CPU training is not
        // bit-reproducible). Untrained networks score tumor 0: the bounds keep a margin for run-to-run spread
        // and still fail when tumors stop being learned. The long run (learn-small.conf) reaches 0.98 / 0.70.
        double kidneyMin = Double.parseDouble(System.getProperty("renalseg.learning.kidney-min", "0.5"));
        double tumorMin = Double.parseDouble(System.getProperty("renalseg.learning.tumor-min", "0.1"));
        assertTrue(dice.kidney() > kidneyMin && dice.tumor() > tumorMin, "held-out " + dice);
    }
}
