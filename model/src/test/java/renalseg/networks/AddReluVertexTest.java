package renalseg.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

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

    /** input -> c (1x1x1 convolution, activation a) -> s = relu(c + input); with secondReader, t = s + c reads c too. */
    private static ComputationGraph residual(Activation a, boolean secondReader) {
        var b = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(3).updater(new Sgd(0.1))
            .graphBuilder().addInputs("x").setInputTypes(InputType.convolutional3D(2, 2, 2, 2))
            .addLayer("c", new PointwiseConvolution3D(new Convolution3D.Builder().kernelSize(1, 1, 1).nIn(2).nOut(2)
                .convolutionMode(ConvolutionMode.Same).dataFormat(Convolution3D.DataFormat.NCDHW).activation(a)), "x")
            .addVertex("s", new AddReluVertex(true), "c", "x");
        String last = "s";
        if (secondReader) {
            b.addVertex("t", new AddReluVertex(false), "s", "c");
            last = "t";
        }
        ComputationGraph g = new ComputationGraph(b.addLayer("out",
                MeanCnn3DLossLayer.of(new WeightedMeanCrossEntropy(new double[] {1, 1})), last)
            .setOutputs("out").build());
        g.init();
        return g;
    }

    @Test
    void writesOverTheConvolutionOutputOnlyInTrainingAndWhenNothingElseReadsIt() {
        AddReluVertexImpl s = (AddReluVertexImpl) residual(Activation.IDENTITY, false).getVertex("s");
        assertTrue(s.mayOverwriteFirstInput(true));
        assertFalse(s.mayOverwriteFirstInput(false), "inference frees workspaces as it goes");
        assertFalse(((AddReluVertexImpl) residual(Activation.IDENTITY, true).getVertex("s")).mayOverwriteFirstInput(true),
            "c is read again by t");
        assertFalse(((AddReluVertexImpl) residual(Activation.RELU, false).getVertex("s")).mayOverwriteFirstInput(true),
            "a ReLU convolution's backprop reads its output");
    }

    /** With the sum written over c's output, backprop still gives the finite differences' gradients. */
    @Test
    void overwritingKeepsTheGradientsExact() {
        ComputationGraph a = residual(Activation.IDENTITY, false);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 1, 2, 2, 2, 2).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 1, 2, 2, 2, 2);
        for (int v = 0; v < 8; v++) {
            y.putScalar(new long[] {0, v % 2, v / 4, (v / 2) % 2, v % 2}, 1.0);
        }
        a.setInputs(x);
        a.setLabels(y);
        a.computeGradientAndScore();
        INDArray analytic = a.getFlattenedGradients().dup();
        INDArray p = a.params();
        double h = 1e-6;
        for (int i = 0; i < p.length(); i++) {
            double keep = p.getDouble(i);
            p.putScalar(i, keep + h);
            a.computeGradientAndScore();
            double up = a.score();
            p.putScalar(i, keep - h);
            a.computeGradientAndScore();
            double down = a.score();
            p.putScalar(i, keep);
            assertEquals((up - down) / (2 * h), analytic.getDouble(i), 1e-7, "parameter " + i);
        }
    }

    @Test
    void jsonKeepsTheActivation() {
        ComputationGraphConfiguration c = graph(false).getConfiguration();
        AddReluVertex v = (AddReluVertex) ComputationGraphConfiguration.fromJson(c.toJson()).getVertices().get("s");
        assertEquals(new AddReluVertex(false), v);
        assertTrue(!v.isRelu());
    }
}
