package renalseg.networks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The GEMM 1x1x1 convolution against DL4J's Convolution3D: outputs, input gradients, W and b gradients. */
class PointwiseConvolutionTest {

    private static MultiLayerNetwork net(org.deeplearning4j.nn.conf.layers.Layer l) {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
            .dataType(DataType.DOUBLE).list().layer(l)
            .setInputType(InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 3, 4, 5, 6)).build());
        n.init();
        n.initGradientsView();
        return n;
    }

    private static Convolution3D.Builder builder() {
        return new Convolution3D.Builder().kernelSize(1, 1, 1).nOut(4).activation(Activation.SOFTPLUS)
            .dataFormat(Convolution3D.DataFormat.NCDHW);
    }

    @Test
    void matchesConvolution3DForwardAndBackward() {
        MultiLayerNetwork ref = net(builder().build());
        MultiLayerNetwork ours = net(new PointwiseConvolution3D(builder()));
        ours.setParams(ref.params().add(0)); // same parameters (a copy)
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 6, 3, 4, 5);
        INDArray eps = Nd4j.rand(DataType.DOUBLE, 2, 4, 3, 4, 5);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        Layer a = ref.getLayer(0);
        Layer b = ours.getLayer(0);
        a.setInput(x, mgr);
        b.setInput(x, mgr);
        INDArray ya = a.activate(true, mgr);
        INDArray yb = b.activate(true, mgr);
        assertTrue(ya.equalsWithEps(yb, 1e-10), "forward");
        Pair<Gradient, INDArray> ga = a.backpropGradient(eps, mgr);
        Pair<Gradient, INDArray> gb = b.backpropGradient(eps, mgr);
        assertTrue(ga.getSecond().equalsWithEps(gb.getSecond(), 1e-10), "input gradient");
        for (String k : new String[] {"W", "b"}) {
            INDArray da = ga.getFirst().getGradientFor(k);
            INDArray db = gb.getFirst().getGradientFor(k);
            assertTrue(da.reshape(da.length()).equalsWithEps(db.reshape(db.length()), 1e-10), k + " gradient");
            assertTrue(db.norm2Number().doubleValue() > 0, k);
        }
    }
}
