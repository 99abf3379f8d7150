package renalseg.networks;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.Convolution3DLayer;
import org.deeplearning4j.nn.params.Convolution3DParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.Convolution3DUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layer of {@link DilatedConvolution3D}: libnd4j's conv3d (oneDNN) when undilated, over depth slabs when
 * large ({@link ConvolutionForward}; DL4J's Convolution3DLayer where that does not apply); dilated, as
 * vol2col + GEMM ({@link DilatedGemm}; libnd4j's oneDNN helper rejects dilation and its generic kernels are
 * slow), or DL4J's layer with oneDNN off where that path does not apply. Backward passes take dL/dz from the
 * forward pass's output ({@link OutputReuse}) instead of running the convolution again.
 *
 * <p>Inference and training tile differently. An inference pass frees each activation once consumed, so its
 * peak is one layer's live arrays plus oneDNN's copies plus the working-memory workspace (which keeps its
 * largest size): depth slabs and 16 MB column buffers cut the paper network's forward peak. In training every
 * activation stays until backprop ends and the peak is in the backward pass; there the same changes (with the
 * transposed convolutions' 16 MB chunks) held the training step at 1789-1843 MB against 1770-1773 without them
 * (batch 1, interleaved single runs, 2026-12-02) at the same speed within the host's noise, so training keeps
 * one conv3d call and 64 MB column buffers.
 */
public class DilatedConvolution3DLayer extends Convolution3DLayer {

    private final OutputReuse reuse = new OutputReuse();
    /**
     * Built on first use, for inference and for training (their column bounds differ); padding depends only on
     * kernel and dilation in Same mode with stride 1.
     */
    private DilatedGemm gemm;
    private DilatedGemm trainingGemm;

    public DilatedConvolution3DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private Convolution3D config() {
        return (Convolution3D) conf().getLayer();
    }

    private boolean dilated() {
        return ((DilatedConvolution3D) conf().getLayer()).isDilated();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray out;
        if (gemm(training) != null || slabs(training) != null) {
            assertInputSet(false);
            applyDropOutIfNecessary(training, workspaceMgr);
            out = config().getActivationFn().getActivation(ownPreOutput(training, workspaceMgr,
                ArrayType.ACTIVATIONS), training);
        } else if (!dilated()) {
            out = super.activate(training, workspaceMgr);
        } else {
            try (OneDnnGuard g = OneDnnGuard.helpersOff()) {
                out = super.activate(training, workspaceMgr);
            }
        }
        reuse.remember(training && layerConf().getIDropout() == null, config().getActivationFn(), input, out);
        return out;
    }

    @Override
    public INDArray preOutput(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (gemm(training) != null) {
            return ownPreOutput(training, workspaceMgr, ArrayType.ACTIVATIONS);
        }
        if (slabs(training) != null) {
            assertInputSet(false);
            applyDropOutIfNecessary(training, workspaceMgr);
            return ownPreOutput(training, workspaceMgr, ArrayType.ACTIVATIONS);
        }
        if (!dilated()) {
            return super.preOutput(training, workspaceMgr);
        }
        try (OneDnnGuard g = OneDnnGuard.helpersOff()) {
            return super.preOutput(training, workspaceMgr);
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray delta = reuse.delta(config().getActivationFn(), input, epsilon, workspaceMgr);
        if (gemm(true) != null) {
            assertInputSet(true);
            if (delta == null) {
                INDArray z = ownPreOutput(true, workspaceMgr, ArrayType.BP_WORKING_MEM);
                delta = config().getActivationFn().backprop(z, epsilon).getFirst();
            }
            return gemmBackward(delta, workspaceMgr);
        }
        if (!dilated()) {
            return delta == null ? super.backpropGradient(epsilon, workspaceMgr) : fromDelta(delta, workspaceMgr);
        }
        try (OneDnnGuard g = OneDnnGuard.helpersOff()) {
            return delta == null ? super.backpropGradient(epsilon, workspaceMgr) : fromDelta(delta, workspaceMgr);
        }
    }

    /**
     * The GEMM path for dilated, stride-1, Same-mode NCDHW convolutions (the FCN-PPM's stage-3 layers), else
     * null (libnd4j's conv3d: oneDNN when undilated). Column buffers: {@link DilatedGemm#COLUMN_BYTES} in
     * inference, {@link DilatedGemm#TRAINING_COLUMN_BYTES} in training.
     */
    private DilatedGemm gemm(boolean training) {
        Convolution3D c = config();
        int[] s = c.getStride();
        if (!dilated() || c.getConvolutionMode() != ConvolutionMode.Same || s[0] != 1 || s[1] != 1 || s[2] != 1
            || c.getDataFormat() != Convolution3D.DataFormat.NCDHW || input == null || input.rank() != 5) {
            return null;
        }
        if (gemm == null) {
            int[] in = {(int) input.size(2), (int) input.size(3), (int) input.size(4)};
            int[] pad = Convolution3DUtils.get3DSameModeTopLeftPadding(in, in, c.getKernelSize(), s, c.getDilation());
            gemm = new DilatedGemm(c.getKernelSize(), c.getDilation(), pad, DilatedGemm.COLUMN_BYTES);
            trainingGemm = new DilatedGemm(c.getKernelSize(), c.getDilation(), pad, DilatedGemm.TRAINING_COLUMN_BYTES);
        }
        return training ? trainingGemm : gemm;
    }

    /**
     * The inference forward of undilated, stride-1, Same-mode NCDHW convolutions with odd kernels (the FCN-PPM's
     * 3x3x3 layers): libnd4j's conv3d over depth slabs when large ({@link ConvolutionForward}), else null (DL4J's
     * layer). Not in training, where every activation stays until backprop ends and the step's peak is in the
     * backward pass: there slabs did not lower it (see the class comment).
     */
    private ConvolutionForward slabs(boolean training) {
        Convolution3D c = config();
        if (training || dilated() || c.getConvolutionMode() != ConvolutionMode.Same
            || c.getDataFormat() != Convolution3D.DataFormat.NCDHW || input == null || input.rank() != 5) {
            return null;
        }
        int[] kernel = c.getKernelSize();
        int[] pad = {kernel[0] / 2, kernel[1] / 2, kernel[2] / 2};
        return ConvolutionForward.applies(kernel, c.getStride(), c.getDilation(), pad)
            ? new ConvolutionForward(kernel, pad, ConvolutionForward.SLAB_BYTES) : null;
    }

    /** z = conv(x) + b in the given array type's workspace, by the GEMM path where it applies, else in slabs. */
    private INDArray ownPreOutput(boolean training, LayerWorkspaceMgr mgr, ArrayType type) {
        INDArray x = input.castTo(dataType);
        INDArray w = getParamWithNoise(Convolution3DParamInitializer.WEIGHT_KEY, training, mgr);
        if (x.size(1) != w.size(1)) {
            throw new IllegalStateException("DilatedConvolution3D " + layerId() + ": input has " + x.size(1)
                + " channels, layer expects " + w.size(1));
        }
        INDArray b = config().hasBias() ? getParamWithNoise(Convolution3DParamInitializer.BIAS_KEY, training, mgr)
            : null;
        INDArray z = mgr.createUninitialized(type, w.dataType(),
            new long[] {x.size(0), w.size(0), x.size(2), x.size(3), x.size(4)}, 'c');
        DilatedGemm g = gemm(training);
        if (g != null) {
            g.forward(x, w, b, z, mgr);
        } else {
            slabs(training).run(x, w, b, z);
        }
        return z;
    }

    private Pair<Gradient, INDArray> gemmBackward(INDArray delta, LayerWorkspaceMgr mgr) {
        INDArray x = input.castTo(dataType);
        INDArray w = getParamWithNoise(Convolution3DParamInitializer.WEIGHT_KEY, true, mgr);
        INDArray wGrad = gradientViews.get(Convolution3DParamInitializer.WEIGHT_KEY);
        INDArray bGrad = config().hasBias() ? gradientViews.get(Convolution3DParamInitializer.BIAS_KEY) : null;
        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, w.dataType(), x.shape(), 'c');
        gemm(true).backward(x, w, delta, wGrad, bGrad, epsOut, mgr);
        Gradient g = new DefaultGradient();
        if (bGrad != null) {
            g.setGradientFor(Convolution3DParamInitializer.BIAS_KEY, bGrad);
        }
        g.setGradientFor(Convolution3DParamInitializer.WEIGHT_KEY, wGrad, 'c');
        weightNoiseParams.clear();
        return new Pair<>(g, epsOut);
    }

    @Override
    public void clear() {
        super.clear();
        reuse.forget();
    }

    /**
     * libnd4j's conv3dnew_bp on dL/dz ({@link ConvolutionBackward}: over groups of examples and input channels
     * when the arrays are large): gradients of W and b into their views, dL/dx in ACTIVATION_GRAD.
     */
    private Pair<Gradient, INDArray> fromDelta(INDArray delta, LayerWorkspaceMgr mgr) {
        Convolution3D c = config();
        if (input.rank() != 5 || c.getDataFormat() != Convolution3D.DataFormat.NCDHW) {
            throw new IllegalStateException("DilatedConvolution3D " + layerId() + ": NCDHW rank-5 input expected");
        }
        INDArray x = input.castTo(dataType);
        int[] kernel = c.getKernelSize();
        int[] strides = c.getStride();
        int[] dilation = c.getDilation();
        boolean same = c.getConvolutionMode() == ConvolutionMode.Same;
        int[] in = {(int) x.size(2), (int) x.size(3), (int) x.size(4)};
        int[] pad = same
            ? Convolution3DUtils.get3DSameModeTopLeftPadding(
                Convolution3DUtils.get3DOutputSize(x, kernel, strides, null, ConvolutionMode.Same, dilation, true),
                in, kernel, strides, dilation)
            : c.getPadding();
        INDArray w = getParamWithNoise(Convolution3DParamInitializer.WEIGHT_KEY, true, mgr);
        INDArray wGrad = gradientViews.get(Convolution3DParamInitializer.WEIGHT_KEY);
        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, w.dataType(), x.shape(), 'c');
        INDArray b = c.hasBias() ? getParamWithNoise(Convolution3DParamInitializer.BIAS_KEY, true, mgr) : null;
        INDArray bGrad = c.hasBias() ? gradientViews.get(Convolution3DParamInitializer.BIAS_KEY) : null;
        new ConvolutionBackward(kernel, strides, pad, dilation, same, ConvolutionBackward.GROUP_BYTES,
            ConvolutionBackward.SLAB_BYTES)
            .run(x, w, b, delta, epsOut, wGrad, bGrad);
        Gradient g = new DefaultGradient();
        if (bGrad != null) {
            g.setGradientFor(Convolution3DParamInitializer.BIAS_KEY, bGrad);
        }
        g.setGradientFor(Convolution3DParamInitializer.WEIGHT_KEY, wGrad, 'c');
        weightNoiseParams.clear();
        return new Pair<>(g, epsOut);
    }
}
