package renalseg.networks;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A residual block's end, relu(a + b), as one vertex. DL4J's ElementWiseVertex followed by an
 * ActivationLayer keeps both the sum and its ReLU among the activations of a training pass; PyTorch's
 * in-place add and ReLU keep one tensor. The backward pass needs only the output (relu' = 1 where the output
 * is positive), so the sum is never stored: at the paper's input that is 64 MB per full-resolution block. With
 * a ReLU (or an identity for the tanh/softplus checks: then the sum alone). No fields but the activation's
 * name: DL4J's JSON stores the vertex by class and properties (Spark executors rebuild the graph from JSON).
 */
public class AddReluVertex extends GraphVertex {

    private boolean relu = true;

    public AddReluVertex() {
    }

    /** @param relu false for the plain sum (networks whose activation is not a ReLU add, then activate) */
    public AddReluVertex(boolean relu) {
        this.relu = relu;
    }

    public boolean isRelu() {
        return relu;
    }

    public void setRelu(boolean relu) {
        this.relu = relu;
    }

    @Override
    public AddReluVertex clone() {
        return new AddReluVertex(relu);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddReluVertex v && v.relu == relu;
    }

    @Override
    public int hashCode() {
        return AddReluVertex.class.getName().hashCode() * 31 + Boolean.hashCode(relu);
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                       INDArray paramsView, boolean initializeParams,
                                                                       DataType networkDatatype) {
        return new AddReluVertexImpl(graph, name, idx, relu, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... in) throws InvalidInputTypeException {
        // sizes must agree; DL4J reports some 3-D layers' NCDHW outputs as NDHWC, so the format is not compared
        if (in.length != 2 || !sameSizes(in[0], in[1])) {
            throw new InvalidInputTypeException("AddReluVertex: two inputs of one type needed, got "
                + java.util.Arrays.toString(in));
        }
        return in[0];
    }

    private static boolean sameSizes(InputType a, InputType b) {
        if (a instanceof InputType.InputTypeConvolutional3D x && b instanceof InputType.InputTypeConvolutional3D y) {
            return x.getDepth() == y.getDepth() && x.getHeight() == y.getHeight() && x.getWidth() == y.getWidth()
                && x.getChannels() == y.getChannels();
        }
        return a.equals(b);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        throw new UnsupportedOperationException("AddReluVertex has no memory report (nor do 3-D layers)");
    }
}
