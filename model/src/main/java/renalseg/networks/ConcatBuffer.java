package renalseg.networks;

import java.util.Arrays;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A layer output written into the leading channels of its concatenation's buffer, so that the concatenation
 * does not copy it. In a training pass DL4J keeps every activation until backprop ends; PyTorch keeps the
 * concatenation but frees the upsampled output once it is copied in (the transposed convolution's backward
 * needs its input, not its output): 64 + 16 MB of the paper network's decoder at batch 1.
 *
 * <p>Only where the whole pass shares one activations workspace (DL4J's training pass, or no workspaces): in
 * DL4J's inference pass each vertex's output has a workspace of its own, released once its consumers ran,
 * so the concatenation would outlive the memory it aliases there.
 */
final class ConcatBuffer {

    /** DL4J's name of the workspace that holds all activations of a training pass (ComputationGraph's). */
    private static final String ALL_LAYERS_ACTIVATIONS = "WS_ALL_LAYERS_ACT";

    private ConcatBuffer() {
    }

    /** True when arrays created for ACTIVATIONS live until the pass ends. */
    static boolean activationsOutliveTheLayer(boolean training, LayerWorkspaceMgr mgr) {
        return training && (mgr.isScopedOut(ArrayType.ACTIVATIONS)
            || ALL_LAYERS_ACTIVATIONS.equals(mgr.getWorkspaceName(ArrayType.ACTIVATIONS)));
    }

    /** A c-ordered ACTIVATIONS buffer [N, C + after, ...] for a layer output of {@code shape} [N, C, ...]. */
    static INDArray buffer(LayerWorkspaceMgr mgr, DataType type, long[] shape, long after) {
        long[] wide = shape.clone();
        wide[1] += after;
        return mgr.createUninitialized(ArrayType.ACTIVATIONS, type, wide, 'c');
    }

    /** The leading {@code channels} of a buffer (a view): the layer's output, which {@link #whole} maps back. */
    static INDArray leading(INDArray buffer, long channels) {
        return buffer.get(channels(buffer.rank(), 0, channels));
    }

    /**
     * The whole buffer [N, channels, ...] whose leading channels {@code first} is, or null when {@code first} is
     * not such a view (another layer's output, a copy, a buffer of another width).
     */
    static INDArray whole(INDArray first, long channels) {
        if (!first.isView() || first.ordering() != 'c' || first.offset() != 0 || first.rank() < 2
            || first.size(1) >= channels) {
            return null;
        }
        long[] shape = first.shape().clone();
        shape[1] = channels;
        long[] strides = Nd4j.getStrides(shape, 'c');
        long length = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (!Arrays.equals(first.stride(), strides) || first.data().length() != length) {
            return null;
        }
        return Nd4j.create(first.data(), shape, strides, 0, 'c', first.dataType());
    }

    /** Channels [from, to) of a rank-{@code rank} array (axis 1). */
    static INDArrayIndex[] channels(int rank, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        Arrays.fill(idx, NDArrayIndex.all());
        idx[1] = NDArrayIndex.interval(from, to);
        return idx;
    }
}
