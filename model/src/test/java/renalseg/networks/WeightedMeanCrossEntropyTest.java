package renalseg.networks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class WeightedMeanCrossEntropyTest {

    private static final double[] W = {0.2, 1.0, 2.0};

    /** Plain-Java PyTorch CrossEntropyLoss(weight=W) over rows of logits. */
    private static double reference(double[][] logits, int[] y) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < logits.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logits[i]) {
                max = Math.max(max, v);
            }
            double s = 0;
            for (double v : logits[i]) {
                s += Math.exp(v - max);
            }
            double logp = logits[i][y[i]] - max - Math.log(s);
            num += W[y[i]] * -logp;
            den += W[y[i]];
        }
        return num / den;
    }

    private static INDArray oneHot(int[] y) {
        INDArray l = Nd4j.zeros(DataType.DOUBLE, y.length, 3);
        for (int i = 0; i < y.length; i++) {
            l.putScalar(i, y[i], 1.0);
        }
        return l;
    }

    @Test
    void valueIsTheWeightedMeanOfAHandWorkedCase() {
        // two voxels: logits (0,0,0) class 0 and (0, ln 2, 0) class 1
        // -log p: ln 3 and ln 2 (p = 2/4); weighted mean (0.2 ln 3 + 1.0 ln 2) / 1.2
        INDArray z = Nd4j.create(new double[][] {{0, 0, 0}, {0, Math.log(2), 0}});
        double expected = (0.2 * Math.log(3) + Math.log(2)) / 1.2;
        double got = new WeightedMeanCrossEntropy(W).computeScore(oneHot(new int[] {0, 1}), z,
            Activation.SOFTMAX.getActivationFunction(), null, true);
        assertEquals(expected, got, 1e-12);
    }

    @Test
    void valueAndGradientMatchPlainJavaAndFiniteDifferences() {
        java.util.Random r = new java.util.Random(3);
        int rows = 7;
        double[][] logits = new double[rows][3];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < 3; c++) {
                logits[i][c] = r.nextGaussian() * 2;
            }
            y[i] = r.nextInt(3);
        }
        WeightedMeanCrossEntropy loss = new WeightedMeanCrossEntropy(W);
        INDArray z = Nd4j.create(logits);
        INDArray labels = oneHot(y);
        assertEquals(reference(logits, y),
            loss.computeScore(labels, z, Activation.SOFTMAX.getActivationFunction(), null, false), 1e-12);
        INDArray grad = loss.computeGradient(labels, z.dup(), Activation.SOFTMAX.getActivationFunction(), null);
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < 3; c++) {
                double h = 1e-6;
                double keep = logits[i][c];
                logits[i][c] = keep + h;
                double up = reference(logits, y);
                logits[i][c] = keep - h;
                double down = reference(logits, y);
                logits[i][c] = keep;
                assertEquals((up - down) / (2 * h), grad.getDouble(i, c), 1e-7, "d/dz[" + i + "," + c + "]");
            }
        }
    }

    /** Through the 3-D loss layer: the score of a batch of 2 is the mean over all voxels, not a sum / 2. */
    @Test
    void lossLayerScoreIsTheMeanOverAllVoxelsOfTheBatch() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
            .miniBatch(false).graphBuilder().addInputs("in")
            .setInputTypes(InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 2, 2, 2, 3))
            .addLayer("out", MeanCnn3DLossLayer.of(new WeightedMeanCrossEntropy(W)), "in").setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        java.util.Random r = new java.util.Random(9);
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 2, 3, 2, 2, 2);
        INDArray lab = Nd4j.zeros(DataType.DOUBLE, 2, 3, 2, 2, 2);
        double[][] logits = new double[16][3];
        int[] y = new int[16];
        int row = 0;
        for (int n = 0; n < 2; n++) {
            for (int d = 0; d < 2; d++) {
                for (int h = 0; h < 2; h++) {
                    for (int w = 0; w < 2; w++) {
                        y[row] = r.nextInt(3);
                        lab.putScalar(new long[] {n, y[row], d, h, w}, 1);
                        for (int c = 0; c < 3; c++) {
                            logits[row][c] = r.nextGaussian();
                            x.putScalar(new long[] {n, c, d, h, w}, logits[row][c]);
                        }
                        row++;
                    }
                }
            }
        }
        g.setInputs(x);
        g.setLabels(lab);
        g.computeGradientAndScore();
        assertEquals(reference(logits, y), g.score(), 1e-12);
    }
}
