package renalseg.networks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static renalseg.networks.WeightedMeanCrossEntropyTest.oneHot;

import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

class CrossEntropyDiceLossTest {

    private static final double[] W = {0.2, 1.0, 2.0};
    private static final IActivation SOFTMAX = Activation.SOFTMAX.getActivationFunction();

    /** Plain Java: weighted-mean CE + lambda (1 - mean over classes 1..2 of the batch soft Dice), masked. */
    private static double reference(double[][] z, int[] y, double[] mask, double lambda) {
        int rows = z.length;
        double num = 0;
        double den = 0;
        double[] inter = new double[3];
        double[] pred = new double[3];
        double[] lab = new double[3];
        for (int i = 0; i < rows; i++) {
            double m = mask == null ? 1 : mask[i];
            double s = 0;
            for (double v : z[i]) {
                s += Math.exp(v);
            }
            num += m * W[y[i]] * -(z[i][y[i]] - Math.log(s));
            den += m * W[y[i]];
            for (int c = 0; c < 3; c++) {
                double p = Math.exp(z[i][c]) / s;
                double g = y[i] == c ? 1 : 0;
                inter[c] += m * p * m * g;
                pred[c] += m * p;
                lab[c] += m * g;
            }
        }
        double dice = 0;
        for (int c = 1; c < 3; c++) {
            dice += (2 * inter[c] + 1e-5) / (pred[c] + lab[c] + 1e-5);
        }
        return num / den + lambda * (1 - dice / 2);
    }

    @Test
    void perfectPredictionHasNoDiceTerm() {
        // logits +-40: p is one-hot to 1e-17, every Dice is 1, and the score is the CE alone (~0)
        int[] y = {0, 1, 2, 1};
        INDArray z = oneHot(y).mul(80).subi(40);
        double score = new CrossEntropyDiceLoss(W, 1.0).computeScore(oneHot(y), z, SOFTMAX, null, false);
        assertEquals(0, score, 1e-12);
        // hand-worked: uniform p = 1/3 on 2 rows of class 1 and 1 of class 2. Class 1: I = 2/3, P = 1, G = 2,
        // Dice = (4/3 + s)/(3 + s) (4/9 without the smoothing s); class 2: I = 1/3, P = 1, G = 1,
        // Dice = (2/3 + s)/(2 + s) (1/3); 1 - mean = 11/18 without the smoothing
        int[] y2 = {1, 1, 2};
        double s = 1e-5;
        double meanDice = ((4.0 / 3 + s) / (3 + s) + (2.0 / 3 + s) / (2 + s)) / 2;
        double got = new CrossEntropyDiceLoss(W, 0.5).computeScore(oneHot(y2), Nd4j.zeros(DataType.DOUBLE, 3, 3),
            SOFTMAX, null, false);
        assertEquals(Math.log(3) + 0.5 * (1 - meanDice), got, 1e-12);
        assertEquals(Math.log(3) + 0.5 * 11.0 / 18, got, 1e-5);
    }

    @Test
    void valueAndGradientMatchPlainJavaAndFiniteDifferences() {
        Random r = new Random(5);
        int rows = 9;
        double[][] z = new double[rows][3];
        int[] y = new int[rows];
        double[] mask = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < 3; c++) {
                z[i][c] = r.nextGaussian() * 2;
            }
            y[i] = r.nextInt(3);
            mask[i] = i % 4 == 3 ? 0 : 1;
        }
        for (double[] m : new double[][] {null, mask}) {
            CrossEntropyDiceLoss loss = new CrossEntropyDiceLoss(W, 0.7);
            INDArray labels = oneHot(y);
            INDArray maskArr = m == null ? null : Nd4j.create(m, new long[] {rows, 1}, DataType.DOUBLE);
            assertEquals(reference(z, y, m, 0.7),
                loss.computeScore(labels, Nd4j.create(z), SOFTMAX, maskArr, false), 1e-12);
            INDArray grad = loss.computeGradient(labels, Nd4j.create(z), SOFTMAX, maskArr);
            for (int i = 0; i < rows; i++) {
                for (int c = 0; c < 3; c++) {
                    double h = 1e-6;
                    double keep = z[i][c];
                    z[i][c] = keep + h;
                    double up = reference(z, y, m, 0.7);
                    z[i][c] = keep - h;
                    double down = reference(z, y, m, 0.7);
                    z[i][c] = keep;
                    assertEquals((up - down) / (2 * h), grad.getDouble(i, c), 1e-7,
                        (m == null ? "" : "masked ") + "d/dz[" + i + "," + c + "]");
                }
            }
        }
    }

    @Test
    void diceWeightZeroIsTheWeightedCrossEntropy() {
        int[] y = {0, 2, 1, 1, 0};
        INDArray z = Nd4j.rand(DataType.DOUBLE, 5, 3).muli(3);
        WeightedMeanCrossEntropy ce = new WeightedMeanCrossEntropy(W);
        CrossEntropyDiceLoss both = new CrossEntropyDiceLoss(W, 0);
        assertEquals(ce.computeScore(oneHot(y), z, SOFTMAX, null, false),
            both.computeScore(oneHot(y), z, SOFTMAX, null, false), 0);
        assertEquals(ce.computeGradient(oneHot(y), z.dup(), SOFTMAX, null),
            both.computeGradient(oneHot(y), z.dup(), SOFTMAX, null));
    }

    @Test
    void networkConfigurationCarriesTheLossThroughJson() {
        ModelSpec spec = ModelSpec.load("small");
        NetworkSetup setup = new NetworkSetup(new NoOp(), 0, W, 1.0, DataType.FLOAT, 1);
        String json = FcnPpm.configuration(spec, setup).toJson();
        assertTrue(json.contains("CrossEntropyDiceLoss"), "the compound loss is in the JSON");
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertEquals(json, back.toJson());
        String plain = FcnPpm.configuration(spec, NetworkSetup.inference(1)).toJson();
        assertTrue(plain.contains("WeightedMeanCrossEntropy") && !plain.contains("CrossEntropyDiceLoss"),
            "dice weight 0 keeps the paper's loss");
    }
}
