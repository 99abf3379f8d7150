package renalseg.networks;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What DL4J asks of a graph vertex without parameters or a layer, once for this project's vertices. */
abstract class ParameterlessVertexImpl extends BaseGraphVertex {

    ParameterlessVertexImpl(ComputationGraph graph, String name, int index, VertexIndices[] inputVertices,
                            VertexIndices[] outputVertices, DataType dataType) {
        super(graph, name, index, inputVertices, outputVertices, dataType);
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException(getClass().getSimpleName() + " has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                           int minibatchSize) {
        // Masks are not used by this network (dense 3-D segmentation); pass none on.
        return new Pair<>(null, currentMaskState);
    }
}
