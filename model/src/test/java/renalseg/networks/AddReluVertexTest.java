package renalseg.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AddReluVertexTest {

    private static ComputationGraph graph(boolean relu) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
            .graphBuilder().addInputs("a", "b")
            .setInputTypes(InputType.convolutional3D(2, 1, 2, 1), InputType.convolutional3D(2, 1, 2, 1))
            .addVertex("s", new AddReluVertex(relu), "a", "b").setOutputs("s").build();
        ComputationGraph g = new ComputationGraph(ComputationGraphConfiguration.fromJson(conf.toJson()));
        g.init();
        return g;
    }

    @Test
    void forwardIsTheReluOfTheSumByHand() {
        // [N=1, C=1, D=2, H=1, W=2]
        INDArray a = Nd4j.createFromArray(new double[] {1, -2, 3, -4}).reshape(1, 1, 2, 1, 2);
        INDArray b = Nd4j.createFromArray(new double[] {0.5, 1, -5, 4.5}).reshape(1, 1, 2, 1, 2);
        assertArrayEquals(new double[] {1.5, 0, 0, 0.5}, graph(true).output(a, b)[0].data().asDouble(), 0);
        assertArrayEquals(new double[] {1.5, -1, -2, 0.5}, graph(false).output(a, b)[0].data().asDouble(), 0);
    }

    @Test
    void jsonKeepsTheActivation() {
        ComputationGraphConfiguration c = graph(false).getConfiguration();
        AddReluVertex v = (AddReluVertex) ComputationGraphConfiguration.fromJson(c.toJson()).getVertices().get("s");
        assertEquals(new AddReluVertex(false), v);
        assertTrue(!v.isRelu());
    }
}
