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
 * strided copy per kernel tap. Output depth is processed in chunks so that the column buffer stays under
 * {@link #COLUMN_BYTES}.
 *
 * <p>Weights are DL4J's [C_out, C_in, kD, kH, kW]; as a [C_out, C_in*kD*kH*kW] matrix their column order is
 * (c, kd, kh, kw), the row order of the column buffer [C_in, kD*kH*kW, d, H, W].
 */
final class DilatedGemm {

    /** Upper bound of one column buffer: bounds the working memory whatever the input size. */
    static final long COLUMN_BYTES = 64L << 20;

    private final int[] k;
    private final int[] dil;
    private final int[] padLow;
    private final long columnBytes;

    DilatedGemm(int[] kernel, int[] dilation, int[] padTopLeft) {
        this(kernel, dilation, padTopLeft, COLUMN_BYTES);
    }

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

    /** Zero-padded copy of example n: [C, D + e_d - 1, H + e_h - 1, W + e_w - 1], e the dilated kernel extent. */
    private INDArray padded(INDArray x, long n, LayerWorkspaceMgr mgr, ArrayType type) {
        long c = x.size(1);
        long[] in = {x.size(2), x.size(3), x.size(4)};
        INDArray p = mgr.create(type, x.dataType(), c, in[0] + extent(0) - 1, in[1] + extent(1) - 1,
            in[2] + extent(2) - 1);
        p.get(interior(in[0], in[1], in[2])).assign(example(x, n));
        return p;
    }

    /** Example i [C, D, H, W] of a batch [N, C, D, H, W] (a view). */
    private static INDArray example(INDArray batch, long i) {
        return batch.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
            NDArrayIndex.all());
    }

    /** The unpadded region [C, d, h, w] of a padded copy. */
    private INDArrayIndex[] interior(long d, long h, long w) {
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.interval(padLow[0], padLow[0] + d),
            NDArrayIndex.interval(padLow[1], padLow[1] + h), NDArrayIndex.interval(padLow[2], padLow[2] + w)};
    }

    private long extent(int axis) {
        return (long) (k[axis] - 1) * dil[axis] + 1;
    }

    /** The view of padded input that kernel tap (a, b, c) sees for output depths [d0, d0 + dc). */
    private INDArray tap(INDArray padded, int a, int b, int c, long d0, long dc, long h, long w) {
        INDArrayIndex[] ix = {NDArrayIndex.all(), NDArrayIndex.interval(d0 + (long) a * dil[0], d0 + a * dil[0] + dc),
            NDArrayIndex.interval((long) b * dil[1], (long) b * dil[1] + h),
            NDArrayIndex.interval((long) c * dil[2], (long) c * dil[2] + w)};
        return padded.get(ix);
    }

    /** Output depths per chunk for C_in input channels. */
    private long chunk(long cin, long d, long hw, int bytesPerValue) {
        long perDepth = cin * taps() * hw * bytesPerValue;
        return Math.max(1, Math.min(d, columnBytes / Math.max(1, perDepth)));
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

    /** Tap t of a column buffer [C_in, taps, d, H, W]. */
    private static INDArray tapSlice(INDArray col5, int t) {
        return col5.get(NDArrayIndex.all(), NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all(),
            NDArrayIndex.all());
    }

    /** Sizes of an input [N, C_in, D, H, W] and of the weights' output channels. */
    private record Dims(long n, long cin, long d, long h, long w, long cout) {
        static Dims of(INDArray x, INDArray weights) {
            return new Dims(x.size(0), x.size(1), x.size(2), x.size(3), x.size(4), weights.size(0));
        }
    }

    /** Column buffer [C_in * taps, dc * H * W] of one example's padded input, output depths [d0, d0 + dc). */
    private INDArray columns(INDArray padded, long d0, long dc, long h, long w, LayerWorkspaceMgr mgr, ArrayType type) {
        long cin = padded.size(0);
        INDArray col = mgr.createUninitialized(type, padded.dataType(), new long[] {cin, taps(), dc, h, w}, 'c');
        forEachTap((t, a, b, c) -> tapSlice(col, t).assign(tap(padded, a, b, c, d0, dc, h, w)));
        return col.reshape('c', cin * taps(), dc * h * w);
    }

    /** z = W * x + b into {@code out} [N, C_out, D, H, W] (c order). */
    void forward(INDArray x, INDArray weights, INDArray bias, INDArray out, LayerWorkspaceMgr mgr) {
        Dims s = Dims.of(x, weights);
        INDArray w2 = weights.dup('c').reshape('c', s.cout(), s.cin() * taps());
        long dc = chunk(s.cin(), s.d(), s.h() * s.w(), x.dataType().width());
        for (long i = 0; i < s.n(); i++) {
            INDArray p = padded(x, i, mgr, ArrayType.FF_WORKING_MEM);
            INDArray oi = example(out, i).reshape('c', s.cout(), s.d(), s.h() * s.w());
            for (long d0 = 0; d0 < s.d(); d0 += dc) {
                long len = Math.min(dc, s.d() - d0);
                INDArray col = columns(p, d0, len, s.h(), s.w(), mgr, ArrayType.FF_WORKING_MEM);
                INDArray z = len == s.d() ? oi.reshape('c', s.cout(), s.d() * s.h() * s.w())
                    : mgr.createUninitialized(ArrayType.FF_WORKING_MEM, x.dataType(),
                        new long[] {s.cout(), len * s.h() * s.w()}, 'c');
                Nd4j.gemm(w2, col, z, false, false, 1.0, 0.0);
                if (bias != null) {
                    z.addiColumnVector(bias.reshape(s.cout(), 1));
                }
                if (len != s.d()) {
                    oi.get(NDArrayIndex.all(), NDArrayIndex.interval(d0, d0 + len), NDArrayIndex.all())
                        .assign(z.reshape('c', s.cout(), len, s.h() * s.w()));
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
        INDArray dl = delta.ordering() == 'c' && !delta.isView() ? delta : delta.dup('c');
        long dc = chunk(s.cin(), s.d(), s.h() * s.w(), x.dataType().width());
        for (long i = 0; i < s.n(); i++) {
            INDArray p = padded(x, i, mgr, ArrayType.BP_WORKING_MEM);
            INDArray dp = mgr.create(ArrayType.BP_WORKING_MEM, x.dataType(), p.shape());
            INDArray di = example(dl, i).reshape('c', s.cout(), s.d(), s.h() * s.w());
            for (long d0 = 0; d0 < s.d(); d0 += dc) {
                long len = Math.min(dc, s.d() - d0);
                INDArray col = columns(p, d0, len, s.h(), s.w(), mgr, ArrayType.BP_WORKING_MEM);
                INDArray dz = len == s.d() ? di.reshape('c', s.cout(), s.d() * s.h() * s.w())
                    : di.get(NDArrayIndex.all(), NDArrayIndex.interval(d0, d0 + len), NDArrayIndex.all())
                        .dup('c').reshape('c', s.cout(), len * s.h() * s.w());
                Nd4j.gemm(dz, col, dw2, false, true, 1.0, 1.0);
                INDArray dcol = col; // reuse the buffer: dcol = W^T dz
                Nd4j.gemm(w2, dz, dcol, true, false, 1.0, 0.0);
                INDArray dcol5 = dcol.reshape('c', s.cin(), taps(), len, s.h(), s.w());
                long from = d0; // the lambda needs effectively final copies
                long depths = len;
                forEachTap((t, a, b, c) -> tap(dp, a, b, c, from, depths, s.h(), s.w()).addi(tapSlice(dcol5, t)));
            }
            example(epsOut, i).assign(dp.get(interior(s.d(), s.h(), s.w())));
        }
        weightGrad.assign(dw2.reshape(weightGrad.shape()));
        if (biasGrad != null) {
            biasGrad.assign(dl.sum(0, 2, 3, 4).reshape(biasGrad.shape()));
        }
    }
}
