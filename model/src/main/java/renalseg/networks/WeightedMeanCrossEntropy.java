package renalseg.networks;

import java.util.Arrays;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Class-weighted softmax cross-entropy normalized as PyTorch's {@code CrossEntropyLoss(weight=w)}:
 * {@code sum_i w[y_i] * (-log p_i[y_i]) / sum_i w[y_i]} over ALL rows it is given (for the 3-D loss
 * layer: every voxel of every example of the minibatch). The value is already a mean, so the
 * {@code average} flag is ignored, and the layer ({@link MeanCnn3DLossLayer}) and the network
 * ({@code miniBatch(false)}) must not divide by the minibatch size again.
 *
 * <p>Labels are one-hot rows [rows, classes]; masks [rows, 1] multiply the weights.
 */
public class WeightedMeanCrossEntropy implements ILossFunction {

    /** Rows per block of exact float counting: 2^24, the largest float run of consecutive integers. */
    private static final long EXACT_BLOCK = 1L << 24;

    @JsonProperty("weights")
    private double[] weights;

    public WeightedMeanCrossEntropy() {
        this(new double[] {1, 1, 1});
    }

    public WeightedMeanCrossEntropy(double[] weights) {
        this.weights = weights.clone();
    }

    public double[] getWeights() {
        return weights.clone();
    }

    /** Per-row weight w[y_i] (times the mask), shape [rows, 1]. */
    private INDArray rowWeights(INDArray labels, INDArray mask) {
        if (labels.size(1) != weights.length) {
            throw new IllegalArgumentException("WeightedMeanCrossEntropy: labels have " + labels.size(1)
                + " classes, weights " + weights.length);
        }
        INDArray w = Nd4j.create(weights, new long[] {weights.length, 1}, labels.dataType());
        INDArray rows = labels.mmul(w);
        if (mask != null) {
            rows.muli(mask.reshape(mask.length(), 1).castTo(rows.dataType()));
        }
        return rows;
    }

    /** log of the activation's output; the numerically stable log-softmax for softmax. */
    private static INDArray logProbabilities(INDArray preOutput, IActivation act) {
        if (act instanceof ActivationSoftmax) {
            INDArray max = preOutput.max(true, 1);
            INDArray shifted = preOutput.subColumnVector(max);
            INDArray lse = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
            return shifted.subiColumnVector(lse);
        }
        INDArray p = act.getActivation(preOutput.dup(), true);
        return Transforms.log(Transforms.max(p, 1e-30, false), false);
    }

    /**
     * The normaliser sum_i w[y_i] (times the mask), exact: without a mask it is sum_c w_c n_c with the
     * per-class voxel counts n_c, which are integers. A float32 sum over millions of voxels is off by
     * 1e-3..1e-2 (and scales the loss and every gradient by that); PyTorch sums pairwise. Counts come from
     * float column sums over blocks of at most 2^24 rows (every partial sum of 0/1 values is then an integer
     * a float holds exactly, whatever the summation order) added up in double.
     */
    private double normaliser(INDArray labels, INDArray mask) {
        if (mask != null || !labels.isMatrix()) {
            return rowWeights(labels, mask).castTo(DataType.DOUBLE).sumNumber().doubleValue();
        }
        long rows = labels.size(0);
        double[] counts = new double[weights.length];
        for (long start = 0; start < rows; start += EXACT_BLOCK) {
            long end = Math.min(rows, start + EXACT_BLOCK);
            INDArray block = start == 0 && end == rows ? labels
                : labels.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
            INDArray c = block.sum(0);
            for (int k = 0; k < counts.length; k++) {
                counts[k] += c.getDouble(k);
            }
        }
        double total = 0;
        for (int k = 0; k < counts.length; k++) {
            total += weights[k] * counts[k];
        }
        return total;
    }

    /** Per-row w[y_i] * (-log p_i[y_i]), not yet normalised, [rows, 1]. */
    private INDArray weightedNll(INDArray labels, INDArray preOutput, IActivation act, INDArray mask) {
        INDArray w = rowWeights(labels, mask);
        return labels.mul(logProbabilities(preOutput, act)).sum(true, 1).negi().muli(w);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation act, INDArray mask) {
        double total = normaliser(labels, mask);
        INDArray rows = weightedNll(labels, preOutput, act, mask);
        return total > 0 ? rows.divi(total) : rows.muli(0);
    }

    /** The weighted mean; the numerator is summed in double (a float32 sum of millions of rows drifts). */
    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation act, INDArray mask, boolean average) {
        double total = normaliser(labels, mask);
        if (total <= 0) {
            return 0;
        }
        INDArray rows = weightedNll(labels, preOutput, act, mask);
        return compensatedSum(rows.castTo(DataType.DOUBLE).dup('c')) / total;
    }

    /**
     * Neumaier's compensated sum of a double array: float rows are exact in double, and the double
     * networks of the gradient checks need the score to the last bit or so (central differences divide
     * its rounding by the step).
     */
    private static double compensatedSum(INDArray v) {
        double[] a = v.data().asDouble();
        double sum = 0;
        double c = 0;
        for (int i = 0; i < a.length; i++) {
            double t = sum + a[i];
            c += Math.abs(sum) >= Math.abs(a[i]) ? (sum - t) + a[i] : (a[i] - t) + sum;
            sum = t;
        }
        return sum + c;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation act, INDArray mask) {
        double total = normaliser(labels, mask);
        double scale = total > 0 ? 1.0 / total : 0.0;
        INDArray w = rowWeights(labels, mask);
        if (act instanceof ActivationSoftmax) {
            // d/dz of -w_y log softmax(z)_y = w_y (p - onehot(y))
            INDArray p = act.getActivation(preOutput.dup(), true);
            return p.subi(labels).muliColumnVector(w.muli(scale));
        }
        INDArray p = act.getActivation(preOutput.dup(), true);
        INDArray dLdp = labels.div(Transforms.max(p, 1e-30, true)).negi().muliColumnVector(w.muli(scale));
        return act.backprop(preOutput.dup(), dLdp).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation act,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, act, mask, average),
            computeGradient(labels, preOutput, act, mask));
    }

    @Override
    public String name() {
        return "WeightedMeanCrossEntropy" + Arrays.toString(weights);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightedMeanCrossEntropy l && Arrays.equals(weights, l.weights);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return name();
    }
}
