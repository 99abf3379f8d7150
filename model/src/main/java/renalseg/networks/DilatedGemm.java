package renalseg.networks;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A stride-1 3-D convolution (NCDHW, any dilation, zero padding) as vol2col + one matrix product, and its
 * backward pass as two matrix products + col2vol. libnd4j runs dilated 3-D convolutions on its generic
 * kernels (oneDNN's helper rejects them), whose backward pass cost as much as all eleven undilated 3x3x3
 * layers together in the paper network's profile; here the arithmetic is in BLAS GEMMs and vol2col is one
 * strided copy per kernel tap.
 *
 * <p>The column buffer stays under {@link #COLUMN_BYTES}: examples go through in groups when whole examples
 * fit (one copy per tap for the group: small layers cost per operation, not per voxel), else one example at
 * a time in chunks of output depths.
 *
 * <p>Weights are DL4J's [C_out, C_in, kD, kH, kW]; as a [C_out, C_in*kD*kH*kW] matrix their column order is
 * (c, kd, kh, kw), the row order of the column buffer [C_in, kD*kH*kW, g, d, H, W].
 */
final class DilatedGemm {

    /**
     * Upper bound of one column buffer in inference: bounds the working memory whatever the input size. The
     * workspace that holds it keeps its largest size between passes, so it adds to every layer's peak: the
     * paper network's stage-3 layers (64 channels, 16 x 32 x 32) took 58-64 MB under a 64 MB bound; at 16 MB
     * their forward and backward run at the same speed (8 MB: +15%).
     */
    static final long COLUMN_BYTES = 16L << 20;

    /** The bound in training, where the smaller one did not lower the step's peak (see DilatedConvolution3DLayer). */
    static final long TRAINING_COLUMN_BYTES = 64L << 20;

    private final int[] k;
    private final int[] dil;
    private final int[] padLow;
    private final long columnBytes;

    /** With another bound of the column buffer (tests: 1 byte gives one output depth per chunk). */
    DilatedGemm(int[] kernel, int[] dilation, int[] padTopLeft, long columnBytes) {
        this.k = kernel.clone();
        this.dil = dilation.clone();
        this.padLow = padTopLeft.clone();
        this.columnBytes = columnBytes;
    }

    private int taps() {
        return k[0] * k[1] * k[2];
    }

    private long extent(int axis) {
        return (long) (k[axis] - 1) * dil[axis] + 1;
    }

    /** Sizes of an input [N, C_in, D, H, W] and of the weights' output channels. */
    private record Dims(long n, long cin, long d, long h, long w, long cout) {
        static Dims of(INDArray x, INDArray weights) {
            return new Dims(x.size(0), x.size(1), x.size(2), x.size(3), x.size(4), weights.size(0));
        }
    }

    /** Examples per group and output depths per chunk; a group of more than one example takes whole depths. */
    private record Tiling(long group, long depths) {
    }

    private Tiling tiling(Dims s, int bytesPerValue) {
        long perDepth = s.cin() * taps() * s.h() * s.w() * bytesPerValue;
        long perExample = perDepth * s.d();
        if (perExample <= columnBytes) {
            return new Tiling(Math.max(1, Math.min(s.n(), columnBytes / perExample)), s.d());
        }
        return new Tiling(1, Math.max(1, Math.min(s.d(), columnBytes / Math.max(1, perDepth))));
    }

    /** Examples [n0, n0 + g) and depths [d0, d0 + dc) of a [N, C, D, H, W] array (a view). */
    private static INDArray part(INDArray a, long n0, long g, long d0, long dc) {
        return a.get(NDArrayIndex.interval(n0, n0 + g), NDArrayIndex.all(), NDArrayIndex.interval(d0, d0 + dc),
            NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** The unpadded region [g, C, d, h, w] of a padded copy. */
    private INDArray interior(INDArray padded, long d, long h, long w) {
        return padded.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(padLow[0], padLow[0] + d),
            NDArrayIndex.interval(padLow[1], padLow[1] + h), NDArrayIndex.interval(padLow[2], padLow[2] + w));
    }

    /** A zeroed buffer for the padded copies of a tiling's groups: [group, C, D + e_d - 1, H + e_h - 1, W + e_w - 1]. */
    private INDArray paddedBuffer(INDArray x, long group, LayerWorkspaceMgr mgr, ArrayType type) {
        return mgr.create(type, x.dataType(), group, x.size(1), x.size(2) + extent(0) - 1,
            x.size(3) + extent(1) - 1, x.size(4) + extent(2) - 1);
    }

    /**
     * Zero-padded copy of examples [n0, n0 + g) in the leading examples of {@code buffer}: every group writes
     * the same interior, so the zero border stays.
     */
    private INDArray padded(INDArray x, long n0, long g, INDArray buffer) {
        INDArray p = leadingExamples(buffer, g);
        interior(p, x.size(2), x.size(3), x.size(4)).assign(part(x, n0, g, 0, x.size(2)));
        return p;
    }

    /** The first g examples of a [G, C, D, H, W] buffer (the buffer itself when g = G). */
    private static INDArray leadingExamples(INDArray buffer, long g) {
        return g == buffer.size(0) ? buffer
            : Contiguous.leading(buffer, g, buffer.size(1), buffer.size(2), buffer.size(3), buffer.size(4));
    }

    /** The view [C, g, dc, h, w] of a padded group that kernel tap (a, b, c) sees for output depths [d0, d0 + dc). */
    private INDArray tap(INDArray padded, int a, int b, int c, long d0, long dc, long h, long w) {
        INDArrayIndex[] ix = {NDArrayIndex.all(), NDArrayIndex.all(),
            NDArrayIndex.interval(d0 + (long) a * dil[0], d0 + a * dil[0] + dc),
            NDArrayIndex.interval((long) b * dil[1], (long) b * dil[1] + h),
            NDArrayIndex.interval((long) c * dil[2], (long) c * dil[2] + w)};
        return padded.get(ix).permute(1, 0, 2, 3, 4);
    }

    /** Kernel tap number t (row-major over kD, kH, kW) and its offsets (a, b, c). */
    @FunctionalInterface
    private interface TapAction {
        void apply(int t, int a, int b, int c);
    }

    /** Visits the kernel taps in the column buffer's row order (kd, kh, kw). */
    private void forEachTap(TapAction action) {
        int t = 0;
        for (int a = 0; a < k[0]; a++) {
            for (int b = 0; b < k[1]; b++) {
                for (int c = 0; c < k[2]; c++) {
                    action.apply(t++, a, b, c);
                }
            }
        }
    }

    /** Tap t [C_in, g, d, H, W] of a column buffer [C_in, taps, g, d, H, W]. */
    private static INDArray tapSlice(INDArray col6, int t) {
        return col6.get(NDArrayIndex.all(), NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all(),
            NDArrayIndex.all(), NDArrayIndex.all());
    }

    /**
     * Column buffer [C_in * taps, g * dc * H * W] of a padded group, output depths [d0, d0 + dc), in the leading
     * elements of {@code buffer} (one buffer for every chunk: a workspace does not reuse memory within a layer).
     */
    private INDArray columns(INDArray padded, long d0, long dc, long h, long w, INDArray buffer) {
        long g = padded.size(0);
        long cin = padded.size(1);
        INDArray col = Contiguous.leading(buffer, cin, taps(), g, dc, h, w);
        forEachTap((t, a, b, c) -> tapSlice(col, t).assign(tap(padded, a, b, c, d0, dc, h, w)));
        return col.reshape('c', cin * taps(), g * dc * h * w);
    }

    /** A buffer for the largest column chunk of a tiling (or, with {@code rows} = C_out, of its products). */
    private static INDArray chunkBuffer(LayerWorkspaceMgr mgr, ArrayType type, INDArray x, long rows, Tiling tl,
                                        Dims s) {
        return mgr.createUninitialized(type, x.dataType(), new long[] {rows * tl.group() * tl.depths() * s.h()
            * s.w()}, 'c');
    }

    /** z = W * x + b into {@code out} [N, C_out, D, H, W] (c order). */
    void forward(INDArray x, INDArray weights, INDArray bias, INDArray out, LayerWorkspaceMgr mgr) {
        Dims s = Dims.of(x, weights);
        INDArray w2 = weights.dup('c').reshape('c', s.cout(), s.cin() * taps());
        Tiling tl = tiling(s, x.dataType().width());
        long hw = s.h() * s.w();
        INDArray pBuffer = paddedBuffer(x, tl.group(), mgr, ArrayType.FF_WORKING_MEM);
        INDArray colBuffer = chunkBuffer(mgr, ArrayType.FF_WORKING_MEM, x, s.cin() * taps(), tl, s);
        // one example in one chunk writes its product straight into out
        INDArray zBuffer = tl.group() == 1 && tl.depths() == s.d() ? null
            : chunkBuffer(mgr, ArrayType.FF_WORKING_MEM, x, s.cout(), tl, s);
        for (long n0 = 0; n0 < s.n(); n0 += tl.group()) {
            long g = Math.min(tl.group(), s.n() - n0);
            INDArray p = padded(x, n0, g, pBuffer);
            for (long d0 = 0; d0 < s.d(); d0 += tl.depths()) {
                long len = Math.min(tl.depths(), s.d() - d0);
                INDArray col = columns(p, d0, len, s.h(), s.w(), colBuffer);
                boolean direct = g == 1 && len == s.d(); // [C_out, D*H*W] of one example is a block of out
                INDArray z = direct ? part(out, n0, 1, 0, s.d()).reshape('c', s.cout(), s.d() * hw)
                    : Contiguous.leading(zBuffer, s.cout(), g * len * hw);
                Nd4j.gemm(w2, col, z, false, false, 1.0, 0.0);
                if (bias != null) {
                    z.addiColumnVector(bias.reshape(s.cout(), 1));
                }
                if (!direct) {
                    part(out, n0, g, d0, len).assign(z.reshape('c', s.cout(), g, len, s.h(), s.w())
                        .permute(1, 0, 2, 3, 4));
                }
            }
        }
    }

    /**
     * Gradients from dL/dz {@code delta} [N, C_out, D, H, W]: dL/dW into {@code weightGrad} (DL4J layout),
     * dL/db into {@code biasGrad} (may be null), dL/dx into {@code epsOut} [N, C_in, D, H, W].
     */
    void backward(INDArray x, INDArray weights, INDArray delta, INDArray weightGrad, INDArray biasGrad, INDArray epsOut,
                  LayerWorkspaceMgr mgr) {
        Dims s = Dims.of(x, weights);
        INDArray w2 = weights.dup('c').reshape('c', s.cout(), s.cin() * taps());
        INDArray dw2 = mgr.create(ArrayType.BP_WORKING_MEM, x.dataType(), s.cout(), s.cin() * taps());
        INDArray dl = Contiguous.of(delta);
        Tiling tl = tiling(s, x.dataType().width());
        long hw = s.h() * s.w();
        INDArray pBuffer = paddedBuffer(x, tl.group(), mgr, ArrayType.BP_WORKING_MEM);
        INDArray dpBuffer = paddedBuffer(x, tl.group(), mgr, ArrayType.BP_WORKING_MEM);
        INDArray colBuffer = chunkBuffer(mgr, ArrayType.BP_WORKING_MEM, x, s.cin() * taps(), tl, s);
        INDArray dzBuffer = tl.group() == 1 && tl.depths() == s.d() ? null
            : chunkBuffer(mgr, ArrayType.BP_WORKING_MEM, x, s.cout(), tl, s);
        for (long n0 = 0; n0 < s.n(); n0 += tl.group()) {
            long g = Math.min(tl.group(), s.n() - n0);
            INDArray p = padded(x, n0, g, pBuffer);
            INDArray dp = leadingExamples(dpBuffer, g);
            if (n0 > 0) {
                dp.assign(0); // the gradient of the padded copy accumulates over taps: from zero for every group
            }
            for (long d0 = 0; d0 < s.d(); d0 += tl.depths()) {
                long len = Math.min(tl.depths(), s.d() - d0);
                INDArray col = columns(p, d0, len, s.h(), s.w(), colBuffer);
                INDArray dz;
                if (g == 1 && len == s.d()) {
                    dz = part(dl, n0, 1, 0, s.d()).reshape('c', s.cout(), s.d() * hw);
                } else {
                    dz = Contiguous.leading(dzBuffer, s.cout(), g * len * hw);
                    dz.reshape('c', s.cout(), g, len, s.h(), s.w())
                        .assign(part(dl, n0, g, d0, len).permute(1, 0, 2, 3, 4));
                }
                Nd4j.gemm(dz, col, dw2, false, true, 1.0, 1.0);
                INDArray dcol = col; // reuse the buffer: dcol = W^T dz
                Nd4j.gemm(w2, dz, dcol, true, false, 1.0, 0.0);
                INDArray dcol6 = dcol.reshape('c', s.cin(), taps(), g, len, s.h(), s.w());
                long from = d0; // the lambda needs effectively final copies
                long depths = len;
                forEachTap((t, a, b, c) -> tap(dp, a, b, c, from, depths, s.h(), s.w()).addi(tapSlice(dcol6, t)));
            }
            part(epsOut, n0, g, 0, s.d()).assign(interior(dp, s.d(), s.h(), s.w()));
        }
        weightGrad.assign(dw2.reshape(weightGrad.shape()));
        if (biasGrad != null) {
            biasGrad.assign(dl.sum(0, 2, 3, 4).reshape(biasGrad.shape()));
        }
    }
}
