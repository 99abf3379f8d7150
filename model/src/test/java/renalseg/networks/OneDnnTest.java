package renalseg.networks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class OneDnnTest {

    @Test
    void theOneDnnBuildOfLibnd4jIsLoaded() {
        assertEquals("linux-x86_64-onednn", Natives.loadedClassifier(), Natives.loadedLibrary());
        assertTrue(Natives.oneDnn());
        assertTrue(Nd4j.getEnvironment().helpersAllowed(), "helpers on outside dilated layers");
    }

    private static MultiLayerNetwork dilated(Layer conv) {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
            .layer(conv)
            .setInputType(InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 8, 8, 8, 2)).build());
        n.init();
        return n;
    }

    private static Convolution3D.Builder builder() {
        return new Convolution3D.Builder().kernelSize(3, 3, 3).dilation(2, 2, 2).convolutionMode(ConvolutionMode.Same)
            .nOut(3).activation(Activation.IDENTITY);
    }

    /** DL4J's own layer fails on the oneDNN build; ours matches the generic kernel and restores the switch. */
    @Test
    void dilatedConvolutionBypassesOneDnnAndRestoresIt() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 2, 8, 8, 8);
        MultiLayerNetwork plain = dilated(builder().build());
        assertThrows(RuntimeException.class, () -> plain.output(x), "oneDNN rejects dilated conv3d");
        MultiLayerNetwork ours = dilated(new DilatedConvolution3D(builder()));
        ours.setParams(plain.params());
        INDArray got = ours.output(x);
        assertTrue(Nd4j.getEnvironment().helpersAllowed());
        assertEquals(0, OneDnnGuard.holders());
        INDArray reference;
        try (OneDnnGuard g = OneDnnGuard.helpersOff()) {
            reference = plain.output(x);
        }
        assertEquals(reference, got);
        // backward pass too
        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr mgr =
            org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        ours.initGradientsView();
        org.deeplearning4j.nn.api.Layer layer = ours.getLayer(0);
        layer.setInput(x, mgr);
        layer.activate(true, mgr);
        org.nd4j.common.primitives.Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray> bp =
            layer.backpropGradient(Nd4j.onesLike(got), mgr);
        assertEquals(0, OneDnnGuard.holders());
        assertTrue(bp.getSecond().norm2Number().doubleValue() > 0);
    }

    @Test
    void guardIsReferenceCountedAcrossThreads() throws Exception {
        OneDnnGuard a = OneDnnGuard.helpersOff();
        Thread t = new Thread(() -> {
            try (OneDnnGuard b = OneDnnGuard.helpersOff()) {
                assertEquals(2, OneDnnGuard.holders());
            }
        });
        t.start();
        t.join();
        assertFalse(Nd4j.getEnvironment().helpersAllowed(), "still held by the first holder");
        a.close();
        a.close(); // idempotent
        assertTrue(Nd4j.getEnvironment().helpersAllowed());
        assertEquals(0, OneDnnGuard.holders());
    }
}
