package renalseg.networks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Our convolution layers (backward from the forward pass's output where the activation allows) against DL4J's
 * own Convolution3D (which recomputes z): output, dL/dx, dL/dW, dL/db after a training forward pass, in
 * float32 (1e-5) and float64 (1e-10), for the activations the network uses and one that needs z.
 */
class ConvolutionBackpropTest {

    private static MultiLayerNetwork net(org.deeplearning4j.nn.conf.layers.Layer l, DataType type) {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
            .dataType(type).list().layer(l)
            .setInputType(InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 5, 6, 7, 4)).build());
        n.init();
        n.initGradientsView();
        return n;
    }

    private static Convolution3D.Builder builder(int kernel, int dilation, Activation act) {
        return new Convolution3D.Builder().kernelSize(kernel, kernel, kernel).dilation(dilation, dilation, dilation)
            .convolutionMode(ConvolutionMode.Same).nIn(4).nOut(6).hasBias(true).activation(act)
            .dataFormat(Convolution3D.DataFormat.NCDHW);
    }

    @ParameterizedTest
    @CsvSource({"1,1,RELU,FLOAT", "1,1,IDENTITY,FLOAT", "1,1,SOFTPLUS,FLOAT", "3,1,RELU,FLOAT", "3,2,RELU,FLOAT",
        "3,2,IDENTITY,FLOAT", "3,1,SOFTPLUS,FLOAT", "3,2,RELU,DOUBLE", "1,1,RELU,DOUBLE", "3,1,IDENTITY,DOUBLE",
        "3,4,SOFTPLUS,FLOAT", "3,3,SOFTPLUS,DOUBLE", "3,8,RELU,DOUBLE"})
    void matchesConvolution3D(int kernel, int dilation, Activation act, DataType type) {
        double eps = type == DataType.FLOAT ? 1e-5 : 1e-10;
        MultiLayerNetwork ref = net(builder(kernel, dilation, act).build(), type);
        MultiLayerNetwork ours = net(kernel == 1 ? new PointwiseConvolution3D(builder(kernel, dilation, act))
            : new DilatedConvolution3D(builder(kernel, dilation, act)), type);
        ours.setParams(ref.params().add(0)); // same parameters (a copy)
        Nd4j.getRandom().setSeed(kernel * 10 + dilation);
        INDArray x = Nd4j.randn(type, 2, 4, 5, 6, 7);
        INDArray dLda = Nd4j.randn(type, 2, 6, 5, 6, 7);
        // DL4J's own layer cannot run dilated on oneDNN
        LayerPass ref0 = LayerPass.run(ref.getLayer(0), x, dLda, false);
        Layer b = ours.getLayer(0);
        LayerPass ours0 = LayerPass.run(b, x, dLda, true);
        INDArray ya = ref0.output();
        if (act == Activation.RELU) {
            assertTrue(ya.lt(0.0).castTo(type).sumNumber().doubleValue() == 0
                && ya.eq(0.0).castTo(type).sumNumber().doubleValue() > 0,
                "ReLU output has zeros (the mask matters)");
        }
        ref0.assertMatches(ours0, eps);
        // a second backward pass without a new forward pass recomputes z and still agrees
        Pair<Gradient, INDArray> again = b.backpropGradient(dLda, LayerWorkspaceMgr.noWorkspaces());
        assertTrue(ref0.inputGradient().equalsWithEps(again.getSecond(), eps), "input gradient, recomputed");
    }

    /**
     * The dilated GEMM gives the same results whatever its tiling: the whole batch of 3 in one group, groups of
     * 2 and 1, one example at a time with whole depths, one output depth at a time.
     */
    @ParameterizedTest
    @CsvSource({"155520", "100000", "1"})
    void tiledColumnsGiveTheSameResults(long columnBytes) {
        Nd4j.getRandom().setSeed(5);
        int[] k = {3, 3, 3};
        int[] dil = {2, 2, 2};
        int[] pad = {2, 2, 2};
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 3, 6, 5, 4);
        INDArray w = Nd4j.randn(DataType.DOUBLE, 4, 3, 3, 3, 3);
        INDArray b = Nd4j.randn(DataType.DOUBLE, 4);
        INDArray delta = Nd4j.randn(DataType.DOUBLE, 3, 4, 6, 5, 4);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        // one example's columns: 3 channels x 27 taps x 120 voxels x 8 bytes = 77760 bytes
        INDArray[] whole = run(new DilatedGemm(k, dil, pad, 3 * 77760), x, w, b, delta, mgr);
        INDArray[] chunked = run(new DilatedGemm(k, dil, pad, columnBytes), x, w, b, delta, mgr);
        for (int i = 0; i < whole.length; i++) {
            assertTrue(whole[i].equalsWithEps(chunked[i], 1e-12), "output " + i);
            assertTrue(whole[i].norm2Number().doubleValue() > 0, "output " + i);
        }
    }

    /**
     * The GEMM path with dilation 1 against DL4J's Convolution3D on oneDNN (an independent implementation: the
     * dilated cases above compare with libnd4j's generic kernels), in one column chunk and in one output depth
     * per chunk: z, dW, db and dx.
     */
    @ParameterizedTest
    @CsvSource({"FLOAT,1000000", "FLOAT,1", "DOUBLE,1"})
    void gemmMatchesOneDnnUndilated(DataType type, long columnBytes) {
        double eps = type == DataType.FLOAT ? 1e-5 : 1e-10;
        MultiLayerNetwork ref = net(builder(3, 1, Activation.IDENTITY).build(), type);
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.randn(type, 2, 4, 5, 6, 7);
        INDArray delta = Nd4j.randn(type, 2, 6, 5, 6, 7);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        Layer a = ref.getLayer(0);
        a.setInput(x, mgr);
        INDArray za = a.activate(true, mgr).dup();
        Pair<Gradient, INDArray> ga = a.backpropGradient(delta, mgr);
        INDArray w = a.getParam("W");
        INDArray b = a.getParam("b");
        DilatedGemm g = new DilatedGemm(new int[] {3, 3, 3}, new int[] {1, 1, 1}, new int[] {1, 1, 1}, columnBytes);
        INDArray z = Nd4j.create(type, 2, 6, 5, 6, 7);
        g.forward(x, w, b, z, mgr);
        INDArray dw = Nd4j.create(type, w.shape());
        INDArray db = Nd4j.create(type, b.shape());
        INDArray dx = Nd4j.rand(type, x.shape()); // backward must overwrite, not add to, what is there
        g.backward(x, w, delta, dw, db, dx, mgr);
        assertTrue(za.equalsWithEps(z, eps), "forward");
        assertTrue(ga.getSecond().equalsWithEps(dx, eps), "input gradient");
        INDArray dwa = ga.getFirst().getGradientFor("W");
        assertTrue(dwa.reshape(dwa.length()).equalsWithEps(dw.reshape(dw.length()), eps), "W gradient");
        INDArray dba = ga.getFirst().getGradientFor("b");
        assertTrue(dba.reshape(dba.length()).equalsWithEps(db.reshape(db.length()), eps), "b gradient");
    }

    /**
     * The backward pass over groups of examples and input channels ({@link ConvolutionBackward}) against DL4J's
     * Convolution3D (one conv3dnew_bp call for everything): dx, dW, db, with oneDNN and with libnd4j's generic
     * kernels. 5 input channels of 4 x 5 x 6; with a 1-byte bound every example goes alone and dL/dz of 1
     * channel gives 5 channel groups of 1, of 2 channels 3 groups (2, 2, 1); 3 examples of 3360 bytes under a
     * 6720-byte bound go as 2 + 1 with all channels at once.
     */
    @ParameterizedTest
    @CsvSource({"1,2,1,1,1,FLOAT,true", "2,2,1,1,2,FLOAT,true", "6,2,2305843009213693951,2,5,FLOAT,true",
        "2,2,1,1,2,DOUBLE,true", "1,2,1,1,1,DOUBLE,false", "2,2,1,1,2,FLOAT,false", "2,3,6720,2,5,FLOAT,true",
        "2,3,6720,2,5,FLOAT,false"})
    void groupsGiveTheSameGradients(int cout, int n, long bound, long examples, long channels, DataType type,
                                    boolean oneDnn) {
        double eps = type == DataType.FLOAT ? 1e-5 : 1e-10;
        MultiLayerNetwork ref = reference(type, 4, 3, 5, cout, 4);
        ref.initGradientsView();
        Nd4j.getRandom().setSeed(cout * 10 + n);
        INDArray x = Nd4j.randn(type, n, 5, 4, 5, 6);
        INDArray delta = Nd4j.randn(type, n, cout, 4, 5, 6);
        LayerPass a = LayerPass.run(ref.getLayer(0), x, delta, oneDnn);
        INDArray w = ref.getLayer(0).getParam("W");
        INDArray b = ref.getLayer(0).getParam("b");
        ConvolutionBackward bp = new ConvolutionBackward(new int[] {3, 3, 3}, new int[] {1, 1, 1},
            new int[] {1, 1, 1}, new int[] {1, 1, 1}, true, bound);
        assertEquals(examples, bp.examplesPerGroup(x, delta), "examples per call");
        INDArray firstX = x.get(NDArrayIndex.interval(0, examples), NDArrayIndex.all(), NDArrayIndex.all(),
            NDArrayIndex.all(), NDArrayIndex.all());
        INDArray firstDelta = delta.get(NDArrayIndex.interval(0, examples), NDArrayIndex.all(), NDArrayIndex.all(),
            NDArrayIndex.all(), NDArrayIndex.all());
        assertEquals(channels, bp.channelsPerGroup(firstX, firstDelta), "channels per call");
        INDArray dx = Nd4j.rand(type, x.shape()); // overwritten, not added to
        INDArray dw = Nd4j.rand(type, w.shape());
        INDArray db = Nd4j.rand(type, b.shape());
        try (OneDnnGuard g = oneDnn ? null : OneDnnGuard.helpersOff()) {
            bp.run(x, w, b, delta, dx, dw, db);
        }
        assertTrue(a.inputGradient().equalsWithEps(dx, eps), "input gradient");
        INDArray dwa = a.gradients().getFirst().getGradientFor("W");
        assertTrue(dwa.reshape(dwa.length()).equalsWithEps(dw.reshape(dw.length()), eps), "W gradient");
        INDArray dba = a.gradients().getFirst().getGradientFor("b");
        assertTrue(dba.reshape(dba.length()).equalsWithEps(db.reshape(db.length()), eps), "b gradient");
    }

    /**
     * The backward pass over depth slabs ({@link ConvolutionBackward}) against DL4J's Convolution3D (one
     * conv3dnew_bp call): dx (written over what it held), dW, db, with oneDNN and libnd4j's generic kernels. A
     * 1-byte bound gives a slab per 4 output planes: 12 planes 3 slabs (one interior), 13 planes 3 (4 + 4 + 5),
     * 16 planes of a 5-kernel 4 (halo 2: the edge copies pad 2 planes, interior halos overlap by 4); 2 examples
     * go one at a time. Without a bound, or for 7 planes, one call (the grouped path).
     */
    @ParameterizedTest
    @CsvSource({"3,12,1,1,3,FLOAT,true", "3,13,1,2,3,FLOAT,true", "3,13,1,2,3,DOUBLE,false", "5,16,1,2,4,DOUBLE,true",
        "5,16,1,1,4,FLOAT,false", "3,12,2305843009213693951,2,1,FLOAT,true", "3,7,1,1,1,DOUBLE,true"})
    void slabsGiveTheSameGradients(int k, int depth, long bound, int n, int slabs, DataType type, boolean oneDnn) {
        double eps = type == DataType.FLOAT ? 1e-5 : 1e-10;
        MultiLayerNetwork ref = reference(type, 8, k, 3, 2, depth);
        ref.initGradientsView();
        Nd4j.getRandom().setSeed(k * 1000 + depth * 10 + n);
        INDArray x = Nd4j.randn(type, n, 3, depth, 5, 6);
        INDArray delta = Nd4j.randn(type, n, 2, depth, 5, 6);
        LayerPass a = LayerPass.run(ref.getLayer(0), x, delta, oneDnn);
        INDArray w = ref.getLayer(0).getParam("W");
        INDArray b = ref.getLayer(0).getParam("b");
        int p = k / 2;
        ConvolutionBackward bp = new ConvolutionBackward(new int[] {k, k, k}, new int[] {1, 1, 1},
            new int[] {p, p, p}, new int[] {1, 1, 1}, true, Long.MAX_VALUE, bound);
        assertEquals(slabs, bp.slabs(x, delta), "slabs");
        INDArray dx = Nd4j.rand(type, x.shape()); // overwritten, not added to
        INDArray dw = Nd4j.rand(type, w.shape());
        INDArray db = Nd4j.rand(type, b.shape());
        try (OneDnnGuard g = oneDnn ? null : OneDnnGuard.helpersOff()) {
            bp.run(x, w, b, delta, dx, dw, db);
        }
        assertTrue(a.inputGradient().norm2Number().doubleValue() > 0, "a non-zero reference");
        assertTrue(a.inputGradient().equalsWithEps(dx, eps), "input gradient");
        // dW and db sum over every output voxel, the slabs in another order: relative to their size
        INDArray dwa = a.gradients().getFirst().getGradientFor("W");
        assertEquals(0, relativeDifference(dwa, dw), eps, "W gradient");
        INDArray dba = a.gradients().getFirst().getGradientFor("b");
        assertEquals(0, relativeDifference(dba, db), eps, "b gradient");
    }

    /** DL4J's Convolution3D (Same, identity, with bias) on [N, cin, depth, 5, 6], initialized from {@code seed}. */
    private static MultiLayerNetwork reference(DataType type, long seed, int k, int cin, int cout, int depth) {
        MultiLayerNetwork ref = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).dataType(type)
            .list().layer(new Convolution3D.Builder().kernelSize(k, k, k).convolutionMode(ConvolutionMode.Same)
                .nIn(cin).nOut(cout).hasBias(true).activation(Activation.IDENTITY)
                .dataFormat(Convolution3D.DataFormat.NCDHW).build())
            .setInputType(InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, depth, 5, 6, cin)).build());
        ref.init();
        return ref;
    }

    /** max |a - b| / max |a| over all elements (as flat vectors, whatever the layouts). */
    private static double relativeDifference(INDArray a, INDArray b) {
        INDArray fa = a.dup('c').reshape(a.length()).castTo(DataType.DOUBLE);
        INDArray fb = b.dup('c').reshape(b.length()).castTo(DataType.DOUBLE);
        return fa.sub(fb).amaxNumber().doubleValue() / fa.amaxNumber().doubleValue();
    }

    /**
     * The forward pass over depth slabs ({@link ConvolutionForward}) against DL4J's Convolution3D (one conv3d
     * call): z written over whatever the output held, for every example, with oneDNN and libnd4j's generic
     * kernels. A 1-byte bound gives as many slabs as the depth allows (a kernel's depth each): 9 planes of a
     * 3-kernel 3 slabs (edges only around one interior slab), 14 planes 4 (two interior), 15 planes of a
     * 5-kernel 3 (a halo of 2); without a bound one call.
     */
    @ParameterizedTest
    @CsvSource({"3,9,1,3,FLOAT,true", "3,14,1,4,FLOAT,true", "3,14,1,4,DOUBLE,false", "5,15,1,3,DOUBLE,true",
        "5,15,1,3,FLOAT,false", "3,14,2305843009213693951,1,FLOAT,true", "3,4,1,1,FLOAT,true"})
    void slabsGiveTheSameOutput(int k, int depth, long bound, int slabs, DataType type, boolean oneDnn) {
        double eps = type == DataType.FLOAT ? 1e-5 : 1e-10;
        MultiLayerNetwork ref = reference(type, 6, k, 3, 4, depth);
        Nd4j.getRandom().setSeed(k * 100 + depth);
        INDArray x = Nd4j.randn(type, 2, 3, depth, 5, 6);
        INDArray w = ref.getLayer(0).getParam("W");
        INDArray b = ref.getLayer(0).getParam("b");
        INDArray z = Nd4j.rand(type, 2, 4, depth, 5, 6); // overwritten
        ConvolutionForward f = new ConvolutionForward(new int[] {k, k, k}, new int[] {k / 2, k / 2, k / 2}, bound);
        assertEquals(slabs, f.slabs(x, 4), "slabs");
        INDArray expected;
        try (OneDnnGuard g = oneDnn ? null : OneDnnGuard.helpersOff()) {
            expected = ref.output(x);
            f.run(x, w, b, z);
        }
        assertTrue(expected.norm2Number().doubleValue() > 0, "a non-zero reference");
        assertTrue(expected.equalsWithEps(z, eps), "output");
    }

    private static INDArray[] run(DilatedGemm g, INDArray x, INDArray w, INDArray b, INDArray delta,
                                  LayerWorkspaceMgr mgr) {
        INDArray z = Nd4j.create(DataType.DOUBLE, x.size(0), 4, 6, 5, 4);
        g.forward(x, w, b, z, mgr);
        INDArray dw = Nd4j.create(DataType.DOUBLE, w.shape());
        INDArray db = Nd4j.create(DataType.DOUBLE, 4);
        INDArray dx = Nd4j.rand(DataType.DOUBLE, x.shape()); // overwritten, not added to
        g.backward(x, w, delta, dw, db, dx, mgr);
        return new INDArray[] {z, dw, db, dx};
    }
}
