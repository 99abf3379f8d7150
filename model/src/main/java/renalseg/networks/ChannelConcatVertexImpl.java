package renalseg.networks;

import java.util.Arrays;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runtime side of {@link ChannelConcatVertex}. */
public class ChannelConcatVertexImpl extends ParameterlessVertexImpl {

    private long[] channelsPerInput;
    /** Whether the last forward pass filled the first input's own buffer instead of a new one (tests). */
    private boolean lastPassInPlace;

    public ChannelConcatVertexImpl(ComputationGraph graph, String name, int index, DataType dataType) {
        this(graph, name, index, null, null, dataType);
    }

    public ChannelConcatVertexImpl(ComputationGraph graph, String name, int index, VertexIndices[] inputVertices,
                                   VertexIndices[] outputVertices, DataType dataType) {
        super(graph, name, index, inputVertices, outputVertices, dataType);
    }

    @Override
    public String toString() {
        return "ChannelConcatVertex(id=" + getVertexIndex() + ",name=\"" + getVertexName() + "\")";
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("ChannelConcatVertex " + vertexName + ": inputs not set");
        }
        long[] first = inputs[0].shape();
        channelsPerInput = new long[inputs.length];
        long total = 0;
        for (int i = 0; i < inputs.length; i++) {
            long[] s = inputs[i].shape();
            if (s.length != first.length || s[0] != first[0]
                || !Arrays.equals(Arrays.copyOfRange(s, 2, s.length), Arrays.copyOfRange(first, 2, first.length))) {
                throw new IllegalStateException("ChannelConcatVertex " + vertexName + ": input " + i + " has shape "
                    + Arrays.toString(s) + ", input 0 has " + Arrays.toString(first)
                    + " (all but the channel axis must agree)");
            }
            channelsPerInput[i] = s[1];
            total += s[1];
        }
        if (inputs.length == 1) {
            lastPassInPlace = false;
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, inputs[0]);
        }
        long[] outShape = first.clone();
        outShape[1] = total;
        // the first input already written into this concatenation's buffer (ConcatBuffer)?
        INDArray out = ConcatBuffer.activationsOutliveTheLayer(training, workspaceMgr)
            ? ConcatBuffer.whole(inputs[0], total) : null;
        int from = out == null ? 0 : 1;
        lastPassInPlace = out != null;
        if (out == null) {
            out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, inputs[0].dataType(), outShape, 'c');
        }
        long c0 = from == 0 ? 0 : channelsPerInput[0];
        for (int i = from; i < inputs.length; i++) {
            out.get(ConcatBuffer.channels(first.length, c0, c0 + channelsPerInput[i])).assign(inputs[i]);
            c0 += channelsPerInput[i];
        }
        return out;
    }

    boolean lastPassInPlace() {
        return lastPassInPlace;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("ChannelConcatVertex " + vertexName + ": epsilon not set");
        }
        INDArray[] out = new INDArray[channelsPerInput.length];
        long[] shape = epsilon.shape();
        long c0 = 0;
        for (int i = 0; i < out.length; i++) {
            long[] s = shape.clone();
            s[1] = channelsPerInput[i];
            out[i] = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), s, 'c');
            out[i].assign(epsilon.get(ConcatBuffer.channels(shape.length, c0, c0 + channelsPerInput[i])));
            c0 += channelsPerInput[i];
        }
        return new Pair<>(null, out);
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException("ChannelConcatVertex has no parameters");
        }
    }
}
