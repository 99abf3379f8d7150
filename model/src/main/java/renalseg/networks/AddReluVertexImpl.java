package renalseg.networks;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.same.Identity;
import org.nd4j.linalg.factory.Nd4j;

/** Runtime side of {@link AddReluVertex}: out = relu(in0 + in1); dL/d in_i = dL/d out where out > 0. */
public class AddReluVertexImpl extends ParameterlessVertexImpl {

    private final boolean relu;
    /** The training pass's output, which backprop reads (it stays in the activations workspace until then). */
    private INDArray output;
    /** {@link #mayShareGradient()}, decided once: the graph does not change. */
    private Boolean shareGradient;

    public AddReluVertexImpl(ComputationGraph graph, String name, int index, boolean relu, DataType dataType) {
        super(graph, name, index, null, null, dataType);
        this.relu = relu;
    }

    @Override
    public String toString() {
        return "AddReluVertex(id=" + getVertexIndex() + ",name=\"" + getVertexName() + "\",relu=" + relu + ")";
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("AddReluVertex " + vertexName + ": inputs not set");
        }
        if (!inputs[0].equalShapes(inputs[1])) {
            throw new IllegalStateException("AddReluVertex " + vertexName + ": input shapes differ: "
                + Arrays.toString(inputs[0].shape()) + " vs " + Arrays.toString(inputs[1].shape()));
        }
        boolean inPlace = mayOverwriteFirstInput(training) && inputs[0].ordering() == 'c' && !inputs[0].isView();
        INDArray out = inPlace ? inputs[0]
            : workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, inputs[0].dataType(), inputs[0].shape(), 'c');
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp(
            inputs[0], inputs[1], out));
        if (relu) {
            Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear(out, out, 0.0));
        }
        output = training ? out : null;
        return out;
    }

    /**
     * Whether the sum may be written over the first input (PyTorch's in-place ReLU after an add): saves one
     * activation per residual block for the whole training step (~270 MB of the paper network's at 64 x 128 x 128).
     * Only in a training pass, where every activation stays in the workspace until backprop ends (inference
     * frees a producer's workspace once its consumers ran), and only when the first input is the output of one
     * of this project's convolutions with the identity activation, feeding this vertex alone: that layer's
     * backprop then reads its input and not its output (OutputReuse needs only the shape for identity).
     */
    boolean mayOverwriteFirstInput(boolean training) {
        if (!training || inputVertices == null || inputVertices.length != 2
            || inputVertices[0].getVertexIndex() == inputVertices[1].getVertexIndex()) {
            return false;
        }
        GraphVertex producer = graph.getVertices()[inputVertices[0].getVertexIndex()];
        if (!producer.hasLayer() || producer.getOutputVertices() == null || producer.getOutputVertices().length != 1
            || graph.getConfiguration().getNetworkOutputs().contains(producer.getVertexName())) {
            return false;
        }
        Layer layer = producer.getLayer();
        boolean ownConvolution = layer instanceof PointwiseConvolution3DLayer || layer instanceof DilatedConvolution3DLayer;
        return ownConvolution && layer.conf().getLayer() instanceof BaseLayer b
            && b.getActivationFn() instanceof ActivationIdentity && layer.conf().getLayer().getIDropout() == null;
    }

    /**
     * Whether both inputs may get one gradient array (as PyTorch hands both addends the same tensor), which
     * saves a full-size copy per block. DL4J sums the gradients of a vertex that feeds several in place, into
     * the first one it received, and a layer's backprop may write over its gradient; so the second input may
     * share the first's only when neither can happen before the first input's producer F has read it. F is one
     * of this project's identity convolutions feeding this vertex alone (see {@link #mayOverwriteFirstInput}:
     * it only reads its gradient), and the second input's producer and its other consumers go back after F in
     * DL4J's order (the reverse topological one), e.g. the block's input P feeding its first 1x1x1 convolution
     * too: that one adds into the shared array only after F is done.
     */
    boolean mayShareGradient() {
        if (shareGradient == null) {
            shareGradient = mayOverwriteFirstInput(true) && secondInputGoesBackAfterFirst();
        }
        return shareGradient;
    }

    private boolean secondInputGoesBackAfterFirst() {
        int[] order = graph.topologicalSortOrder();
        int[] position = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            position[order[i]] = i;
        }
        int f = inputVertices[0].getVertexIndex();
        int p = inputVertices[1].getVertexIndex();
        if (position[p] > position[f]) {
            return false;
        }
        GraphVertex producer = graph.getVertices()[p];
        if (producer.getOutputVertices() != null) {
            for (var consumer : producer.getOutputVertices()) {
                int q = consumer.getVertexIndex();
                if (q != getVertexIndex() && position[q] > position[f]) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("AddReluVertex " + vertexName + ": epsilon not set");
        }
        if (output == null || !output.equalShapes(epsilon)) {
            throw new IllegalStateException("AddReluVertex " + vertexName + ": no training forward pass to go back through");
        }
        INDArray first = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), epsilon.shape(),
            'c');
        if (relu) {
            Nd4j.getExecutioner().exec(new RectifiedLinearDerivative(output, epsilon, first, 0.0));
        } else {
            Nd4j.getExecutioner().exec(new Identity(epsilon, first));
        }
        INDArray second = mayShareGradient() ? first : workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, first);
        output = null;
        return new Pair<>(null, new INDArray[] {first, second});
    }

    @Override
    public void clear() {
        super.clear();
        output = null;
    }
}
