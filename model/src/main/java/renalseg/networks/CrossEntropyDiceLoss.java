package renalseg.networks;

import java.util.Arrays;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * nnU-Net's compound loss: the class-weighted mean cross-entropy ({@link WeightedMeanCrossEntropy}) plus
 * {@code diceWeight x (1 - mean soft Dice)} over the foreground classes (1..C-1; background is left out as
 * nnU-Net's {@code do_bg=False}). The soft Dice of class c is a batch Dice, over every row it is given (for the
 * 3-D loss layer: all voxels of the minibatch, nnU-Net's {@code batch_dice}):
 * {@code (2 sum p_c g_c + s) / (sum p_c + sum g_c + s)} with s = 1e-5, p the softmax and g the one-hot label.
 *
 * <p>Why: the cross-entropy is a mean over voxels, so a 2 ml tumor that fills 1% of a crop moves it by little;
 * the Dice term counts each class as a whole, whatever its size. Masks [rows, 1] multiply p and g.
 */
public class CrossEntropyDiceLoss implements ILossFunction {

    /** nnU-Net's smoothing term: keeps the Dice finite for a class absent from both label and prediction. */
    static final double SMOOTH = 1e-5;

    @JsonProperty("weights")
    private double[] weights;
    @JsonProperty("diceWeight")
    private double diceWeight;

    public CrossEntropyDiceLoss() {
        this(new double[] {1, 1, 1}, 1.0);
    }

    public CrossEntropyDiceLoss(double[] weights, double diceWeight) {
        if (!(diceWeight >= 0)) {
            throw new IllegalArgumentException("dice weight must be >= 0, got " + diceWeight);
        }
        this.weights = weights.clone();
        this.diceWeight = diceWeight;
    }

    public double getDiceWeight() {
        return diceWeight;
    }

    private WeightedMeanCrossEntropy crossEntropy() {
        return new WeightedMeanCrossEntropy(weights);
    }

    /** The per-class sums of a batch (double: float sums over millions of voxels drift). */
    private record DiceSums(double[] intersection, double[] predicted, double[] labelled) {

        double dice(int c) {
            return (2 * intersection[c] + SMOOTH) / (predicted[c] + labelled[c] + SMOOTH);
        }
    }

    private static INDArray probabilities(INDArray preOutput, IActivation act) {
        return act.getActivation(preOutput.dup(), true);
    }

    private static INDArray maskColumn(INDArray mask, INDArray like) {
        return mask == null ? null : mask.reshape(mask.length(), 1).castTo(like.dataType());
    }

    private static DiceSums sums(INDArray labels, INDArray p, INDArray mask) {
        INDArray pd = p.castTo(DataType.DOUBLE);
        INDArray gd = labels.castTo(DataType.DOUBLE);
        if (mask != null) {
            INDArray m = maskColumn(mask, pd);
            pd = pd.mulColumnVector(m);
            gd = gd.mulColumnVector(m);
        }
        return new DiceSums(pd.mul(gd).sum(0).toDoubleVector(), pd.sum(0).toDoubleVector(),
            gd.sum(0).toDoubleVector());
    }

    /** diceWeight x (1 - mean foreground Dice). */
    private double diceTerm(DiceSums s) {
        int classes = weights.length;
        double mean = 0;
        for (int c = 1; c < classes; c++) {
            mean += s.dice(c);
        }
        mean /= classes - 1;
        return diceWeight * (1 - mean);
    }

    private void checkClasses(INDArray labels) {
        if (labels.size(1) != weights.length || weights.length < 2) {
            throw new IllegalArgumentException("CrossEntropyDiceLoss: labels have " + labels.size(1)
                + " classes, weights " + weights.length + " (at least 2: background and a foreground class)");
        }
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation act, INDArray mask, boolean average) {
        checkClasses(labels);
        double ce = crossEntropy().computeScore(labels, preOutput, act, mask, average);
        return ce + diceTerm(sums(labels, probabilities(preOutput, act), mask));
    }

    /** The Dice term is a property of the whole batch: each row carries an equal share of it. */
    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation act, INDArray mask) {
        checkClasses(labels);
        INDArray rows = crossEntropy().computeScoreArray(labels, preOutput, act, mask);
        double share = diceTerm(sums(labels, probabilities(preOutput, act), mask)) / rows.length();
        return rows.addi(share);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation act, INDArray mask) {
        checkClasses(labels);
        INDArray grad = crossEntropy().computeGradient(labels, preOutput, act, mask);
        if (diceWeight == 0) {
            return grad;
        }
        INDArray p = probabilities(preOutput, act);
        DiceSums s = sums(labels, p, mask);
        // dL/dp_ic = -(w / K) (2 g_ic S_c - N_c) / S_c^2 with S_c = P_c + G_c + s, N_c = 2 I_c + s (c >= 1)
        int classes = weights.length;
        double k = diceWeight / (classes - 1);
        double[] perLabel = new double[classes];
        double[] constant = new double[classes];
        for (int c = 1; c < classes; c++) {
            double sum = s.predicted()[c] + s.labelled()[c] + SMOOTH;
            perLabel[c] = -k * 2 / sum;
            constant[c] = k * (2 * s.intersection()[c] + SMOOTH) / (sum * sum);
        }
        INDArray dLdp = labels.castTo(p.dataType()).mulRowVector(Nd4j.create(perLabel).castTo(p.dataType()))
            .addiRowVector(Nd4j.create(constant).castTo(p.dataType()));
        if (mask != null) {
            dLdp.muliColumnVector(maskColumn(mask, p));
        }
        INDArray dice;
        if (act instanceof ActivationSoftmax) {
            // softmax Jacobian: dL/dz_k = p_k (dL/dp_k - sum_j p_j dL/dp_j)
            INDArray inner = p.mul(dLdp).sum(true, 1);
            dice = dLdp.subiColumnVector(inner).muli(p);
        } else {
            dice = act.backprop(preOutput.dup(), dLdp).getFirst();
        }
        return grad.addi(dice);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation act,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, act, mask, average),
            computeGradient(labels, preOutput, act, mask));
    }

    @Override
    public String name() {
        return "CrossEntropyDiceLoss" + Arrays.toString(weights) + "+" + diceWeight + "xDice";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CrossEntropyDiceLoss l && Arrays.equals(weights, l.weights) && diceWeight == l.diceWeight;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(weights) + Double.hashCode(diceWeight);
    }

    @Override
    public String toString() {
        return name();
    }
}
