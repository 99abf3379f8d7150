package renalseg.postprocessing.crf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import renalseg.config.RenalsegConfig;
import renalseg.synth.Phantom;
import renalseg.synth.PhantomGenerator;
import renalseg.synth.PhantomSize;
import renalseg.volume.Geometry;

class DenseCrfTest {

    private static final int NX = 14;
    private static final int NY = 14;
    private static final int NZ = 8;
    private static final double[] SPACING = {0.8, 0.8, 2.5};
    private static final CrfSettings DEFAULTS = CrfSettings.from(RenalsegConfig.load(null, List.of()));

    private static int idx(int x, int y, int z) {
        return x + NX * (y + NY * z);
    }

    private static boolean inKidney(int x, int y, int z) {
        return x >= 3 && x <= 10 && y >= 3 && y <= 10 && z >= 2 && z <= 5;
    }

    private static boolean inTumor(int x, int y, int z) {
        return x >= 4 && x <= 5 && y >= 4 && y <= 5 && z >= 3 && z <= 4;
    }

    /** A kidney block (160 HU) with a small tumor (40 HU) in fat (-100 HU). */
    private static float[] image() {
        float[] im = new float[NX * NY * NZ];
        for (int z = 0; z < NZ; z++) {
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++) {
                    im[idx(x, y, z)] = inTumor(x, y, z) ? 40 : inKidney(x, y, z) ? 160 : -100;
                }
            }
        }
        return im;
    }

    private static byte[] truth() {
        byte[] t = new byte[NX * NY * NZ];
        for (int z = 0; z < NZ; z++) {
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++) {
                    t[idx(x, y, z)] = (byte) (inTumor(x, y, z) ? 2 : inKidney(x, y, z) ? 1 : 0);
                }
            }
        }
        return t;
    }

    /** Confident probabilities that agree with the truth: 0.85 for the true class. */
    private static float[] cleanProbabilities(byte[] truth) {
        int n = truth.length;
        float[] p = new float[3 * n];
        for (int v = 0; v < n; v++) {
            for (int c = 0; c < 3; c++) {
                p[c * n + v] = truth[v] == c ? 0.85f : 0.075f;
            }
        }
        return p;
    }

    private static void set(float[] p, int v, float bg, float kidney, float tumor) {
        int n = p.length / 3;
        p[v] = bg;
        p[n + v] = kidney;
        p[2 * n + v] = tumor;
    }

    private static byte[] crf(float[] p, float[] image, CrfSettings s) {
        return DenseCrf.labels(DenseCrf.marginals(p, image, 3, NX, NY, NZ, SPACING, s), 3);
    }

    @Test
    void fillsAOneVoxelHoleAndRemovesAnIsolatedVoxel() {
        byte[] truth = truth();
        float[] p = cleanProbabilities(truth);
        int hole = idx(8, 8, 4);          // inside the kidney, away from the tumor
        int isolated = idx(12, 1, 6);     // in fat, far from the kidney
        set(p, hole, 0.6f, 0.35f, 0.05f);
        set(p, isolated, 0.35f, 0.6f, 0.05f);
        byte[] before = DenseCrf.labels(p, 3);
        assertEquals(0, before[hole]);
        assertEquals(1, before[isolated]);
        byte[] after = crf(p, image(), DEFAULTS);
        assertEquals(1, after[hole], "hole filled");
        assertEquals(0, after[isolated], "isolated voxel removed");
        assertArrayEquals(truth, after);
    }

    @Test
    void leavesACleanSegmentationUnchanged() {
        byte[] truth = truth();
        float[] p = cleanProbabilities(truth);
        assertArrayEquals(truth, crf(p, image(), DEFAULTS));
        // marginals stay a distribution per voxel
        float[] q = DenseCrf.marginals(p, image(), 3, NX, NY, NZ, SPACING, DEFAULTS);
        int n = truth.length;
        for (int v = 0; v < n; v++) {
            assertEquals(1.0, q[v] + q[n + v] + q[2 * n + v], 1e-5);
        }
    }

    @Test
    void croppedRefinementWorksOnTheForegroundBox() {
        byte[] truth = truth();
        float[] p = cleanProbabilities(truth);
        int hole = idx(8, 8, 4);
        int isolated = idx(12, 1, 6);
        set(p, hole, 0.6f, 0.35f, 0.05f);
        set(p, isolated, 0.35f, 0.6f, 0.05f);
        // box of foreground >= 0.5 without margin: x 3..12, y 1..10, z 2..6; fat outside stays background
        byte[] cropped = CrfRefiner.refine(p, image(), 3, NX, NY, NZ, SPACING, DEFAULTS, 0.5, 0);
        assertArrayEquals(truth, cropped);
        // the defaults' crop (probability 0.01, margin 9 mm) takes every voxel here: same as the full CRF
        assertArrayEquals(crf(p, image(), DEFAULTS), CrfRefiner.refine(p, image(), 3, NX, NY, NZ, SPACING, DEFAULTS));
        // no voxel reaches the threshold: the argmax, hole and isolated voxel included
        assertArrayEquals(DenseCrf.labels(p, 3), CrfRefiner.refine(p, image(), 3, NX, NY, NZ, SPACING, DEFAULTS,
            0.99, 9));
    }

    @Test
    void noIterationsReturnsTheInput() {
        byte[] truth = truth();
        float[] p = cleanProbabilities(truth);
        int hole = idx(8, 8, 4);
        set(p, hole, 0.6f, 0.35f, 0.05f);
        CrfSettings none = new CrfSettings(true, 0, 3, 3, 15, 1, 1.5, 0.01, 9);
        float[] q = DenseCrf.marginals(p, image(), 3, NX, NY, NZ, SPACING, none);
        assertArrayEquals(p, q, 1e-6f);
    }

    /**
     * The effect on Dice on simulated network output for synthetic phantoms (the measurement behind the
     * defaults in conf/defaults.conf): the CRF with default settings must raise mean kidney and tumor Dice.
     */
    @Test
    void defaultSettingsImproveDiceOnNoisyPredictionsOfPhantoms() {
        double[] before = new double[2];
        double[] after = new double[2];
        int cases = 2;
        for (int c = 0; c < cases; c++) {
            Phantom ph = PhantomGenerator.generate(42, c, PhantomSize.SMALL);
            assertTrue(ph.hasTumor(), "phantom " + c + " should have a tumor for this test");
            Geometry g = ph.labels().geometry();
            byte[] t = ph.labels().labels();
            float[] p = NoisyPredictions.simulate(ph.labels(), 1000 + c, 4.0, 1.0, 1.5);
            byte[] raw = DenseCrf.labels(p, 3);
            byte[] refined = DenseCrf.labels(DenseCrf.marginals(p, ph.image().voxels(), 3, g.nx(), g.ny(), g.nz(),
                g.spacing(), DEFAULTS), 3);
            for (int label = 1; label <= 2; label++) {
                before[label - 1] += NoisyPredictions.dice(t, raw, label) / cases;
                after[label - 1] += NoisyPredictions.dice(t, refined, label) / cases;
            }
        }
        System.err.printf("CRF on noisy phantom predictions: kidney Dice %.4f -> %.4f, tumor %.4f -> %.4f%n",
            before[0], after[0], before[1], after[1]);
        assertTrue(after[0] > before[0] + 0.02, "kidney Dice " + before[0] + " -> " + after[0]);
        assertTrue(after[1] > before[1] + 0.02, "tumor Dice " + before[1] + " -> " + after[1]);
    }

    /**
     * Threads change nothing: the marginals of a phantom (several lattice-build chunks of 32768 points, so
     * the chunk merge and the waves of chunks are exercised) are the same floats on 1, 2 and 3 threads.
     */
    @Test
    void marginalsAreTheSameFloatsOnAnyNumberOfThreads() {
        Phantom ph = PhantomGenerator.generate(42, 0, PhantomSize.SMALL);
        Geometry g = ph.labels().geometry();
        assertTrue(ph.labels().labels().length > 3 * 32768, "several build chunks");
        float[] p = NoisyPredictions.simulate(ph.labels(), 7, 4.0, 1.0, 1.5);
        float[] one = DenseCrf.marginals(p, ph.image().voxels(), 3, g.nx(), g.ny(), g.nz(), g.spacing(), DEFAULTS, 1);
        float[] serial = DenseCrf.marginals(p, ph.image().voxels(), 3, g.nx(), g.ny(), g.nz(), g.spacing(), DEFAULTS);
        assertArrayEquals(one, serial);
        for (int threads : new int[] {2, 3}) {
            float[] many = DenseCrf.marginals(p, ph.image().voxels(), 3, g.nx(), g.ny(), g.nz(), g.spacing(), DEFAULTS,
                threads);
            assertArrayEquals(one, many, threads + " threads");
        }
        // and the CRF did something: not the input's argmax everywhere
        byte[] raw = DenseCrf.labels(p, 3);
        byte[] refined = DenseCrf.labels(one, 3);
        assertTrue(!java.util.Arrays.equals(raw, refined));
    }
}
