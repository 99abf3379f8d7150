package renalseg.networks;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.Deconvolution3DLayer;
import org.deeplearning4j.nn.params.Deconvolution3DParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The layer of {@link StridedDeconvolution3D}. DL4J keeps the weights as [kD, kH, kW, C_out, C_in] (c order),
 * which is already the matrix [k^3 C_out, C_in] with rows (a, b, c, o): for example i,
 * Y = W x_i [k^3 C_out, D*H*W], and output voxel (o, k*d + a, k*h + b, k*w + c) is Y[(a, b, c, o), (d, h, w)].
 * Backward: dW = sum_i dY_i x_i^T, dx_i = W^T dY_i, with dY_i the same rearrangement of dL/dz.
 *
 * <p>In inference the forward products go a chunk of input depth planes at a time ({@link #CHUNK_BYTES}): the
 * working-memory workspace keeps its largest size between passes, so a whole example's product (64 MB for the
 * paper network's last decoder stage) would count in every layer's peak. Training keeps whole examples: there
 * the chunks did not lower the step's peak (measured with DilatedConvolution3DLayer's inference-only tiling).
 */
public class StridedDeconvolution3DLayer extends Deconvolution3DLayer {

    /** Bound on the forward GEMM product of one chunk of input planes in inference. */
    static final long CHUNK_BYTES = 16L << 20;

    public StridedDeconvolution3DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private Deconvolution3D config() {
        return (Deconvolution3D) conf().getLayer();
    }

    private IActivation activation() {
        return config().getActivationFn();
    }

    /** Sizes: batch, C_in, input D, H, W, C_out, kernel k (D, H, W). */
    private record Shape(long n, long cin, long d, long h, long w, long cout, int kd, int kh, int kw) {
        long voxels() {
            return d * h * w;
        }

        long taps() {
            return (long) kd * kh * kw;
        }

        /** Input depth planes per GEMM: its [k^3 C_out, planes*H*W] product stays under CHUNK_BYTES. */
        long planesPerChunk(int bytesPerValue) {
            return Math.max(1, Math.min(d, CHUNK_BYTES / Math.max(1, taps() * cout * h * w * bytesPerValue)));
        }

        /** Input planes [d0, d0 + dc) of example i of x [N, C_in, D*H*W] as [C_in, dc*H*W] (a view). */
        INDArray inputPlanes(INDArray x3, long i, long d0, long dc) {
            return x3.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.interval(d0 * h * w, (d0 + dc) * h * w));
        }

        /** The leading [k^3 C_out, dc*H*W] of a buffer sized for a whole chunk (a c-ordered view). */
        INDArray product(INDArray buffer, long dc) {
            return Contiguous.leading(buffer, taps() * cout, dc * h * w);
        }

        /** That product as [C_out, dc, kD, H, kH, W, kW] (a permuted view), the layout of the output's blocks. */
        INDArray asBlocks(INDArray product, long dc) {
            return product.reshape('c', kd, kh, kw, cout, dc, h, w).permute(3, 4, 0, 5, 1, 6, 2);
        }

        /** Blocks of input planes [d0, d0 + dc) in {@link #outputBlocks} (a view). */
        INDArray blocks(INDArray out, long i, long d0, long dc) {
            return outputBlocks(out, i).get(NDArrayIndex.all(), NDArrayIndex.interval(d0, d0 + dc),
                NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        }

        /** Example i of a c-ordered [N, C, kD*D, kH*H, kW*W] (C >= C_out) as [C, D*kD*H*kH*W*kW]. */
        INDArray example(INDArray out, long i) {
            return out.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all()).reshape('c', out.size(1), taps() * voxels());
        }

        /** Example i of the output (the leading C_out channels of {@code out}) as [C_out, D, kD, H, kH, W, kW]. */
        INDArray outputBlocks(INDArray out, long i) {
            INDArray e = example(out, i);
            return (out.size(1) == cout ? e : e.get(NDArrayIndex.interval(0, cout), NDArrayIndex.all()))
                .reshape('c', cout, d, kd, h, kh, w, kw);
        }
    }

    private Shape shape(INDArray x, INDArray weights) {
        if (x.rank() != 5) {
            throw new IllegalStateException("StridedDeconvolution3D " + layerId() + ": input rank " + x.rank());
        }
        if (weights.size(4) != x.size(1)) {
            throw new IllegalStateException("StridedDeconvolution3D " + layerId() + ": input has " + x.size(1)
                + " channels, layer expects " + weights.size(4));
        }
        int[] k = config().getKernelSize();
        return new Shape(x.size(0), x.size(1), x.size(2), x.size(3), x.size(4), weights.size(3), k[0], k[1], k[2]);
    }

    private INDArray contiguousInput() {
        return Contiguous.of(input.castTo(dataType));
    }

    /**
     * z = deconv(x) + b, [N, C_out, kD*D, kH*H, kW*W] in the given array type's workspace; with
     * {@code channelsAfter} > 0, the leading channels of an ACTIVATIONS buffer that wide ({@link ConcatBuffer}).
     */
    private INDArray linear(boolean training, LayerWorkspaceMgr mgr, ArrayType type, long channelsAfter) {
        INDArray x = contiguousInput();
        INDArray w = getParamWithNoise(Deconvolution3DParamInitializer.WEIGHT_KEY, training, mgr);
        Shape s = shape(x, w);
        INDArray w2 = w.reshape('c', s.taps() * s.cout(), s.cin());
        long[] outShape = {s.n(), s.cout(), s.kd() * s.d(), s.kh() * s.h(), s.kw() * s.w()};
        INDArray out = channelsAfter > 0 ? ConcatBuffer.buffer(mgr, x.dataType(), outShape, channelsAfter)
            : mgr.createUninitialized(type, x.dataType(), outShape, 'c');
        // in inference a chunk of input planes at a time; training keeps whole examples (see the class comment)
        long planes = training ? s.d() : s.planesPerChunk(x.dataType().width());
        INDArray y = mgr.createUninitialized(ArrayType.FF_WORKING_MEM, x.dataType(),
            new long[] {s.taps() * s.cout(), planes * s.h() * s.w()}, 'c');
        INDArray x3 = x.reshape('c', s.n(), s.cin(), s.voxels());
        for (long i = 0; i < s.n(); i++) {
            for (long d0 = 0; d0 < s.d(); d0 += planes) {
                long dc = Math.min(planes, s.d() - d0);
                INDArray yc = s.product(y, dc);
                Nd4j.gemm(w2, s.inputPlanes(x3, i, d0, dc), yc, false, false, 1.0, 0.0);
                s.blocks(out, i, d0, dc).assign(s.asBlocks(yc, dc));
            }
        }
        if (config().hasBias()) {
            INDArray b = getParamWithNoise(Deconvolution3DParamInitializer.BIAS_KEY, training, mgr);
            if (channelsAfter > 0) {
                for (long i = 0; i < s.n(); i++) {
                    s.example(out, i).get(NDArrayIndex.interval(0, s.cout()), NDArrayIndex.all())
                        .addiColumnVector(b.reshape(s.cout(), 1));
                }
            } else {
                Nd4j.getExecutioner().exec(new BroadcastAddOp(out, b.reshape(s.cout()), out, 1));
            }
        }
        return channelsAfter > 0 ? ConcatBuffer.leading(out, s.cout()) : out;
    }

    @Override
    protected INDArray preOutput(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return linear(training, workspaceMgr, ArrayType.ACTIVATIONS, 0);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        // the buffer is only worth it (and only safe) when the activation does not replace the array
        long after = activation() instanceof ActivationIdentity
            && ConcatBuffer.activationsOutliveTheLayer(training, workspaceMgr)
            && config() instanceof StridedDeconvolution3D sd ? sd.getChannelsAfter() : 0;
        return activation().getActivation(linear(training, workspaceMgr, ArrayType.ACTIVATIONS, after), training);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray delta = activation() instanceof ActivationIdentity ? epsilon
            : activation().backprop(linear(true, workspaceMgr, ArrayType.BP_WORKING_MEM, 0), epsilon.dup('c'))
                .getFirst();
        INDArray x = contiguousInput();
        INDArray w = getParamWithNoise(Deconvolution3DParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        Shape s = shape(x, w);
        INDArray w2 = w.reshape('c', s.taps() * s.cout(), s.cin());
        INDArray x3 = x.reshape('c', s.n(), s.cin(), s.voxels());
        INDArray wGrad = gradientViews.get(Deconvolution3DParamInitializer.WEIGHT_KEY);
        INDArray dW = workspaceMgr.create(ArrayType.BP_WORKING_MEM, x.dataType(), s.taps() * s.cout(), s.cin());
        INDArray dy = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(),
            new long[] {s.kd(), s.kh(), s.kw(), s.cout(), s.d(), s.h(), s.w()}, 'c');
        INDArray dy2 = dy.reshape('c', s.taps() * s.cout(), s.voxels());
        INDArray epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
        INDArray e3 = epsOut.reshape('c', s.n(), s.cin(), s.voxels());
        for (long i = 0; i < s.n(); i++) {
            dy.assign(s.outputBlocks(delta, i).permute(2, 4, 6, 0, 1, 3, 5));
            INDArray xi = x3.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all());
            Nd4j.gemm(dy2, xi, dW, false, true, 1.0, 1.0);
            Nd4j.gemm(w2, dy2, e3.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all()), true, false,
                1.0, 0.0);
        }
        wGrad.assign(dW.reshape(wGrad.shape()));
        Gradient g = new DefaultGradient();
        if (config().hasBias()) {
            INDArray bGrad = gradientViews.get(Deconvolution3DParamInitializer.BIAS_KEY);
            bGrad.assign(delta.sum(0, 2, 3, 4).reshape(bGrad.shape()));
            g.setGradientFor(Deconvolution3DParamInitializer.BIAS_KEY, bGrad);
        }
        g.setGradientFor(Deconvolution3DParamInitializer.WEIGHT_KEY, wGrad, 'c');
        weightNoiseParams.clear();
        return new Pair<>(g, workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, epsOut));
    }
}
