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
            .addLayer("c", pointwise(a), "x")
            .addVertex("s", new AddReluVertex(true), "c", "x");
        String last = "s";
        if (secondReader) {
            b.addVertex("t", new AddReluVertex(false), "s", "c");
            last = "t";
        }
        return withLoss(b, last);
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
        assertFiniteDifferences(residual(Activation.IDENTITY, false));
    }

    /**
     * A residual block as the FCN-PPM has them: x -> p (1x1x1, ReLU) -> a (1x1x1, ReLU) -> c (1x1x1, identity),
     * s = relu(c + p); with laterReader, t = relu(s + p) reads p after the block; with sideReader, q = a + p
     * reads p beside the block and t = relu(s + q).
     */
    private static ComputationGraph block(boolean laterReader) {
        return block(laterReader, false);
    }

    private static ComputationGraph block(boolean laterReader, boolean sideReader) {
        var b = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(5).updater(new Sgd(0.1))
            .graphBuilder().addInputs("x").setInputTypes(InputType.convolutional3D(2, 2, 2, 2))
            .addLayer("p", pointwise(Activation.RELU), "x")
            .addLayer("a", pointwise(Activation.RELU), "p")
            .addLayer("c", pointwise(Activation.IDENTITY), "a")
            .addVertex("s", new AddReluVertex(true), "c", "p");
        String last = "s";
        if (laterReader) {
            b.addVertex("t", new AddReluVertex(true), "s", "p");
            last = "t";
        }
        if (sideReader) {
            b.addVertex("q", new AddReluVertex(false), "a", "p").addVertex("t", new AddReluVertex(true), "s", "q");
            last = "t";
        }
        return withLoss(b, last);
    }

    /** The graph with a 2-class loss on {@code last}, initialized. */
    private static ComputationGraph withLoss(ComputationGraphConfiguration.GraphBuilder b, String last) {
        ComputationGraph g = new ComputationGraph(b.addLayer("out",
                MeanCnn3DLossLayer.of(new WeightedMeanCrossEntropy(new double[] {1, 1})), last)
            .setOutputs("out").build());
        g.init();
        return g;
    }

    private static PointwiseConvolution3D pointwise(Activation a) {
        return new PointwiseConvolution3D(new Convolution3D.Builder().kernelSize(1, 1, 1).nIn(2).nOut(2)
            .convolutionMode(ConvolutionMode.Same).dataFormat(Convolution3D.DataFormat.NCDHW).activation(a));
    }

    @Test
    void sharesTheGradientOnlyWhereNothingWritesOverItBeforeTheConvolutionReadsIt() {
        assertTrue(((AddReluVertexImpl) block(false).getVertex("s")).mayShareGradient(),
            "p's other consumer a adds into the shared gradient after c read it");
        assertTrue(((AddReluVertexImpl) residual(Activation.IDENTITY, false).getVertex("s")).mayShareGradient());
        assertFalse(((AddReluVertexImpl) block(true).getVertex("s")).mayShareGradient(),
            "t goes back before c and its gradient for p meets s's");
        assertFalse(((AddReluVertexImpl) block(false, true).getVertex("s")).mayShareGradient(),
            "q goes back between s and c and adds its gradient for p into s's");
        assertFalse(((AddReluVertexImpl) residual(Activation.IDENTITY, true).getVertex("s")).mayShareGradient(),
            "c is read again by t");
        assertFalse(((AddReluVertexImpl) residual(Activation.RELU, false).getVertex("s")).mayShareGradient());
        // every residual block of the network, with an identity or a projection shortcut
        ComputationGraph net = FcnPpm.build(ModelSpec.load("paper"), NetworkSetup.inference(1));
        for (String conv : FcnPpm.residualConvNames(ModelSpec.load("paper"))) {
            if (conv.endsWith("_c")) {
                String block = conv.substring(0, conv.length() - 2);
                assertTrue(((AddReluVertexImpl) net.getVertex(block + "_relu")).mayShareGradient(), block);
            }
        }
    }

    /** With one gradient array for both addends, every parameter's gradient is the finite differences' one. */
    @Test
    void sharingKeepsTheGradientsExact() {
        ComputationGraph g = block(false);
        assertTrue(((AddReluVertexImpl) g.getVertex("s")).mayShareGradient());
        assertFiniteDifferences(g);
        // where the rule declines (see above), the gradients are right too
        assertFiniteDifferences(block(false, true));
    }

    /** Every parameter's backprop gradient against central differences, at random parameters and input. */
    private static void assertFiniteDifferences(ComputationGraph g) {
        // every array in float64, as in GradientCheckTest, so that central differences resolve to 1e-7
        DataType keepDefault = Nd4j.dataType();
        DataType keepFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            // non-zero biases: with zero ones a voxel where a ReLU output is 0 on every channel sits on the
            // next ReLU's kink, and central differences there see half the slope
            g.params().assign(Nd4j.rand(DataType.DOUBLE, g.params().shape()).subi(0.5));
            INDArray x = Nd4j.rand(DataType.DOUBLE, 1, 2, 2, 2, 2).subi(0.5).muli(4);
            INDArray y = Nd4j.zeros(DataType.DOUBLE, 1, 2, 2, 2, 2);
            for (int v = 0; v < 8; v++) {
                y.putScalar(new long[] {0, (v / 3) % 2, v / 4, (v / 2) % 2, v % 2}, 1.0);
            }
            g.setInputs(x);
            g.setLabels(y);
            g.computeGradientAndScore();
            INDArray analytic = g.getFlattenedGradients().dup();
            INDArray p = g.params();
            double h = 1e-6;
            for (int i = 0; i < p.length(); i++) {
                double keep = p.getDouble(i);
                p.putScalar(i, keep + h);
                g.computeGradientAndScore();
                double up = g.score();
                p.putScalar(i, keep - h);
                g.computeGradientAndScore();
                double down = g.score();
                p.putScalar(i, keep);
                assertEquals((up - down) / (2 * h), analytic.getDouble(i), 1e-7, "parameter " + i);
            }
        } finally {
            Nd4j.setDefaultDataTypes(keepDefault, keepFloat);
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
