package renalseg.networks;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Concatenation along the channel axis (axis 1, NCDHW / NCHW / NC) for inputs of any rank. DL4J's
 * MergeVertex concatenates rank-5 activations forward but its backward pass throws "Invalid rank"; this
 * vertex splits the gradient with plain interval views, which work for every rank. No fields: DL4J's
 * JSON stores it by class name (Spark executors rebuild the graph from JSON).
 */
public class ChannelConcatVertex extends GraphVertex {

    public ChannelConcatVertex() {
    }

    @Override
    public ChannelConcatVertex clone() {
        return new ChannelConcatVertex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelConcatVertex;
    }

    @Override
    public int hashCode() {
        return ChannelConcatVertex.class.getName().hashCode();
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                       INDArray paramsView, boolean initializeParams,
                                                                       DataType networkDatatype) {
        return new ChannelConcatVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... in) throws InvalidInputTypeException {
        if (in.length == 1) {
            return in[0];
        }
        if (in[0] instanceof InputType.InputTypeConvolutional3D first) {
            long channels = 0;
            for (InputType t : in) {
                if (!(t instanceof InputType.InputTypeConvolutional3D c)) {
                    throw new InvalidInputTypeException("ChannelConcatVertex: cannot mix " + in[0] + " and " + t);
                }
                if (c.getDepth() != first.getDepth() || c.getHeight() != first.getHeight()
                    || c.getWidth() != first.getWidth() || c.getDataFormat() != first.getDataFormat()) {
                    throw new InvalidInputTypeException("ChannelConcatVertex: spatial sizes differ: " + first + " vs " + c);
                }
                channels += c.getChannels();
            }
            return InputType.convolutional3D(first.getDataFormat(), first.getDepth(), first.getHeight(),
                first.getWidth(), channels);
        }
        if (in[0] instanceof InputType.InputTypeConvolutional first) {
            long channels = 0;
            for (InputType t : in) {
                InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) t;
                channels += c.getChannels();
            }
            return InputType.convolutional(first.getHeight(), first.getWidth(), channels, first.getFormat());
        }
        if (in[0] instanceof InputType.InputTypeFeedForward) {
            long size = 0;
            for (InputType t : in) {
                size += ((InputType.InputTypeFeedForward) t).getSize();
            }
            return InputType.feedForward(size);
        }
        throw new InvalidInputTypeException("ChannelConcatVertex: unsupported input type " + in[0]);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        throw new UnsupportedOperationException("ChannelConcatVertex has no memory report (nor do 3-D layers)");
    }
}
