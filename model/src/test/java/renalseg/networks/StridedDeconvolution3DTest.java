package renalseg.networks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link StridedDeconvolution3D} against DL4J's own Deconvolution3D (libnd4j's deconv3d, with oneDNN and with
 * its generic kernels) on the same parameters: output, dL/dx, dL/dW, dL/db, in float32 (1e-5) and float64
 * (1e-10); plus a hand-worked 1-channel case and the JSON round trip.
 */
class StridedDeconvolution3DTest {

    private static Deconvolution3D.Builder builder(int k, int cin, int cout, Activation act) {
        return new Deconvolution3D.Builder().kernelSize(k, k, k).stride(k, k, k)
            .convolutionMode(ConvolutionMode.Truncate).dataFormat(Convolution3D.DataFormat.NCDHW)
            .nIn(cin).nOut(cout).hasBias(true).activation(act);
    }

    private static MultiLayerNetwork net(org.deeplearning4j.nn.conf.layers.Layer l, DataType type, int cin) {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
            .dataType(type).list().layer(l)
            .setInputType(InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 3, 4, 5, cin)).build());
        n.init();
        n.initGradientsView();
        return n;
    }

    @ParameterizedTest
    @CsvSource({"2,IDENTITY,FLOAT,true", "2,IDENTITY,FLOAT,false", "2,IDENTITY,DOUBLE,false", "3,IDENTITY,DOUBLE,false",
        "2,SOFTPLUS,DOUBLE,false", "4,IDENTITY,FLOAT,true"})
    void matchesDeconvolution3D(int k, Activation act, DataType type, boolean oneDnn) {
        double eps = type == DataType.FLOAT ? 1e-5 : 1e-10;
        int cin = 5;
        int cout = 3;
        MultiLayerNetwork ref = net(builder(k, cin, cout, act).build(), type, cin);
        MultiLayerNetwork ours = net(new StridedDeconvolution3D(builder(k, cin, cout, act)), type, cin);
        Nd4j.getRandom().setSeed(k);
        ours.setParams(Nd4j.randn(type, ref.params().shape()));
        ref.setParams(ours.params().dup());
        INDArray x = Nd4j.randn(type, 2, cin, 3, 4, 5);
        INDArray dLda = Nd4j.randn(type, 2, cout, 3 * k, 4 * k, 5 * k);
        LayerPass.run(ref.getLayer(0), x, dLda, oneDnn).assertMatches(LayerPass.run(ours.getLayer(0), x, dLda, true),
            eps);
    }

    /**
     * Inference on inputs deep enough that the products go a chunk of input planes at a time (16 MB each): with
     * 16 output channels, k = 2 and 64 x 64 planes a plane's product is 2 MB in float32 (chunks of 8 + 1 of 9
     * planes) and 4 MB in float64 (4 + 4 + 1); two examples, against DL4J's Deconvolution3D on oneDNN.
     */
    @ParameterizedTest
    @CsvSource({"FLOAT,8", "DOUBLE,4"})
    void inferenceInChunksOfInputPlanesMatchesDeconvolution3D(DataType type, long planes) {
        double eps = type == DataType.FLOAT ? 1e-5 : 1e-10;
        int cin = 2;
        int cout = 16;
        java.util.function.Function<org.deeplearning4j.nn.conf.layers.Layer, MultiLayerNetwork> net = l -> {
            MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(type)
                .list().layer(l)
                .setInputType(InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 9, 64, 64, cin)).build());
            n.init();
            return n;
        };
        MultiLayerNetwork ref = net.apply(builder(2, cin, cout, Activation.IDENTITY).build());
        MultiLayerNetwork ours = net.apply(new StridedDeconvolution3D(builder(2, cin, cout, Activation.IDENTITY)));
        Nd4j.getRandom().setSeed(11);
        ours.setParams(Nd4j.randn(type, ref.params().shape()));
        ref.setParams(ours.params().dup());
        INDArray x = Nd4j.randn(type, 2, cin, 9, 64, 64);
        assertEquals(planes, (StridedDeconvolution3DLayer.CHUNK_BYTES) / (8L * cout * 64 * 64 * type.width()),
            "planes per chunk");
        INDArray expected = ref.output(x);
        assertTrue(expected.norm2Number().doubleValue() > 0, "a non-zero reference");
        assertTrue(expected.equalsWithEps(ours.output(x), eps), "inference output");
    }

    /**
     * One input channel, one output channel, k = 2, input 1x1x2 [x0, x1]: output 2x2x4, where voxel
     * (a, b, 2w + c) = W[a, b, c] * x_w + bias.
     */
    @Test
    void handWorkedCase() {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
            .list().layer(new StridedDeconvolution3D(builder(2, 1, 1, Activation.IDENTITY)))
            .setInputType(InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 1, 1, 2, 1)).build());
        n.init();
        double[] w = {1, 2, 3, 4, 5, 6, 7, 8}; // W[a, b, c] = 1 + 4a + 2b + c
        double bias = 0.5;
        INDArray params = n.params();
        params.putScalar(0, bias); // DL4J's parameter order: bias, then weights
        for (int i = 0; i < 8; i++) {
            params.putScalar(1 + i, w[i]);
        }
        n.setParams(params);
        INDArray y = n.output(Nd4j.createFromArray(10.0, 100.0).reshape(1, 1, 1, 1, 2));
        assertEquals(4 * 2 * 2, y.length());
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                for (int ww = 0; ww < 4; ww++) {
                    double expected = w[4 * a + 2 * b + ww % 2] * (ww < 2 ? 10.0 : 100.0) + bias;
                    assertEquals(expected, y.getDouble(0, 0, a, b, ww), 1e-12, a + "," + b + "," + ww);
                }
            }
        }
    }

    @Test
    void jsonRoundTripKeepsTheLayer() {
        MultiLayerConfiguration c = net(new StridedDeconvolution3D(builder(2, 4, 2, Activation.IDENTITY))
            .concatenatedWith(5), DataType.FLOAT, 4).getLayerWiseConfigurations();
        String json = c.toJson();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertTrue(back.getConf(0).getLayer() instanceof StridedDeconvolution3D);
        assertEquals(c.getConf(0).getLayer(), back.getConf(0).getLayer());
        assertEquals(5, ((StridedDeconvolution3D) back.getConf(0).getLayer()).getChannelsAfter());
        // a checkpoint written before the field existed reads as no reservation
        String before = json.replaceAll(",?\\s*\"channelsAfter\"\\s*:\\s*5", "");
        assertTrue(!before.contains("channelsAfter"), "the older JSON has no such field");
        MultiLayerConfiguration old = MultiLayerConfiguration.fromJson(before);
        assertEquals(0, ((StridedDeconvolution3D) old.getConf(0).getLayer()).getChannelsAfter());
    }

    @Test
    void refusesOverlappingKernels() {
        assertThrows(IllegalArgumentException.class, () -> new StridedDeconvolution3D(
            builder(2, 4, 2, Activation.IDENTITY).kernelSize(3, 3, 3)));
    }
}
