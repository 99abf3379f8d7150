package renalseg.inferers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import renalseg.networks.FcnPpm;
import renalseg.networks.MeanCnn3DLossLayer;
import renalseg.networks.ModelSpec;
import renalseg.networks.NetworkSetup;
import renalseg.networks.WeightedMeanCrossEntropy;
import renalseg.postprocessing.voting.VotingMode;

class SlidingWindowInfererTest {

    /**
     * Windows go through the network several at a time: with the small FCN-PPM (random weights, so every
     * window gives different probabilities), passes of 5 inputs (not a divisor of the 18 windows) and of 20
     * (two mirrored windows per pass, then a remainder) give the probabilities of one window per pass.
     */
    @Test
    void batchedPassesMatchOneWindowAtATime() {
        ModelSpec spec = ModelSpec.load("small");
        ComputationGraph g = FcnPpm.build(spec, NetworkSetup.inference(3));
        int[] win = spec.input();
        int d = win[0] + 5;
        int h = win[1] + 21;
        int w = win[2] + 9;
        float[] vol = new float[d * h * w];
        Random r = new Random(9);
        for (int i = 0; i < vol.length; i++) {
            vol[i] = r.nextFloat() - 0.5f;
        }
        for (boolean mirror : new boolean[] {false, true}) {
            InferSettings s = new InferSettings(new double[] {0.5, 0.5, 0.5}, VotingMode.SOFT, mirror);
            float[] one = new SlidingWindowInferer(g, win, spec.classes(), s, 1).vote(vol, d, h, w, -1f)
                .probabilities();
            for (int batch : new int[] {5, 20}) {
                float[] many = new SlidingWindowInferer(g, win, spec.classes(), s, batch).vote(vol, d, h, w, -1f)
                    .probabilities();
                assertEquals(one.length, many.length);
                double worst = 0;
                for (int i = 0; i < one.length; i++) {
                    worst = Math.max(worst, Math.abs(one[i] - many[i]));
                }
                assertTrue(worst < 1e-5, "mirror=" + mirror + " batch=" + batch + ": max difference " + worst);
            }
        }
    }

    @Test
    void windowStartsTileTheAxisAndCentreShortOnes() {
        assertArrayEquals(new int[] {0, 2, 4, 6}, SlidingWindowInferer.starts(10, 4, 0.5));
        assertArrayEquals(new int[] {0, 2, 4, 6, 7}, SlidingWindowInferer.starts(11, 4, 0.5));
        assertArrayEquals(new int[] {0, 4, 6}, SlidingWindowInferer.starts(10, 4, 0.0));
        assertArrayEquals(new int[] {0}, SlidingWindowInferer.starts(8, 8, 0.5));
        assertArrayEquals(new int[] {-2}, SlidingWindowInferer.starts(3, 8, 0.5));
        assertArrayEquals(new int[] {0, 1, 2}, SlidingWindowInferer.starts(6, 4, 0.9));
    }

    /**
     * A voxel-wise network (1x1x1 convolution: logits 0, x, 3x - 1) makes the label of a voxel a function of
     * its own value only: p(kidney) wins for 0 < x < 0.5, tumor above 0.5. Any misplaced window, padding
     * leak or wrongly un-flipped mirror shows as a label that disagrees with that rule.
     */
    static ComputationGraph voxelwise() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).miniBatch(false)
            .graphBuilder().addInputs("in")
            .setInputTypes(InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 8, 8, 8, 1))
            .addLayer("conv", new Convolution3D.Builder().kernelSize(1, 1, 1).nIn(1).nOut(3)
                .activation(Activation.IDENTITY).dataFormat(Convolution3D.DataFormat.NCDHW).build(), "in")
            .addLayer("out", MeanCnn3DLossLayer.of(new WeightedMeanCrossEntropy(new double[] {1, 1, 1})), "conv")
            .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        g.getLayer("conv").setParam("W", Nd4j.create(new float[] {0, 1, 3}, new long[] {3, 1, 1, 1, 1}));
        g.getLayer("conv").setParam("b", Nd4j.create(new float[] {0, 0, -1}, new long[] {3}));
        return g;
    }

    static byte rule(float x) {
        // argmax of (0, x, 3x - 1)
        float a = 0;
        float b = x;
        float c = 3 * x - 1;
        return (byte) (c > b && c > a ? 2 : b > a ? 1 : 0);
    }

    @Test
    void windowsLandWhereTheyCameFromForEveryVotingModeAndMirroring() {
        ComputationGraph g = voxelwise();
        int d = 5;
        int h = 13;
        int w = 19;
        float[] vol = new float[d * h * w];
        Random r = new Random(4);
        for (int i = 0; i < vol.length; i++) {
            vol[i] = r.nextFloat() * 1.2f - 0.2f;
        }
        byte[] expected = new byte[vol.length];
        for (int i = 0; i < vol.length; i++) {
            expected[i] = rule(vol[i]);
        }
        for (VotingMode mode : VotingMode.values()) {
            // mirroring multiplies the windows by 8: checked once, with the paper's voting
            for (boolean mirror : mode == VotingMode.MAJORITY ? new boolean[] {false, true} : new boolean[] {false}) {
                // one input per pass, and 3 per pass (mirrored copies of one window split over passes)
                for (int batch : new int[] {1, 3}) {
                    SlidingWindowInferer inf = new SlidingWindowInferer(g, new int[] {8, 8, 8}, 3,
                        new InferSettings(new double[] {0.5, 0.25, 0.5}, mode, mirror), batch);
                    assertArrayEquals(expected, inf.labels(vol, d, h, w, -5f), mode + " mirror=" + mirror + " batch="
                        + batch);
                }
            }
        }
    }

    @Test
    void flipIsAnInvolutionAndReversesTheRightAxis() {
        float[] a = new float[2 * 2 * 3 * 4];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        float[] fx = SlidingWindowInferer.flip(a, 2, 2, 3, 4, false, false, true);
        assertEquals(3f, fx[0]);
        assertEquals(0f, fx[3]);
        float[] fz = SlidingWindowInferer.flip(a, 2, 2, 3, 4, true, false, false);
        assertEquals(12f, fz[0]);
        assertEquals(24f + 12f, fz[24]);
        assertArrayEquals(a, SlidingWindowInferer.flip(SlidingWindowInferer.flip(a, 2, 2, 3, 4, true, true, true),
            2, 2, 3, 4, true, true, true));
    }
}
