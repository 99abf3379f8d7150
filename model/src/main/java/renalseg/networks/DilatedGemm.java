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
        p.get(NDArrayIndex.all(), NDArrayIndex.interval(padLow[0], padLow[0] + in[0]),
            NDArrayIndex.interval(padLow[1], padLow[1] + in[1]), NDArrayIndex.interval(padLow[2], padLow[2] + in[2]))
            .assign(x.get(NDArrayIndex.point(n), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all()));
        return p;
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

    /** Column buffer [C_in * taps, dc * H * W] of one example's padded input, output depths [d0, d0 + dc). */
    private INDArray columns(INDArray padded, long d0, long dc, long h, long w, LayerWorkspaceMgr mgr, ArrayType type) {
        long cin = padded.size(0);
        INDArray col = mgr.createUninitialized(type, padded.dataType(), new long[] {cin, taps(), dc, h, w}, 'c');
        int t = 0;
        for (int a = 0; a < k[0]; a++) {
            for (int b = 0; b < k[1]; b++) {
                for (int c = 0; c < k[2]; c++) {
                    col.get(NDArrayIndex.all(), NDArrayIndex.point(t++), NDArrayIndex.all(), NDArrayIndex.all(),
                        NDArrayIndex.all()).assign(tap(padded, a, b, c, d0, dc, h, w));
                }
            }
        }
        return col.reshape('c', cin * taps(), dc * h * w);
    }

    /** z = W * x + b into {@code out} [N, C_out, D, H, W] (c order). */
    void forward(INDArray x, INDArray weights, INDArray bias, INDArray out, LayerWorkspaceMgr mgr) {
        long n = x.size(0);
        long cin = x.size(1);
        long d = x.size(2);
        long h = x.size(3);
        long w = x.size(4);
        long cout = weights.size(0);
        INDArray w2 = weights.dup('c').reshape('c', cout, cin * taps());
        long dc = chunk(cin, d, h * w, x.dataType().width());
        for (long i = 0; i < n; i++) {
            INDArray p = padded(x, i, mgr, ArrayType.FF_WORKING_MEM);
            INDArray oi = out.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all()).reshape('c', cout, d, h * w);
            for (long d0 = 0; d0 < d; d0 += dc) {
                long len = Math.min(dc, d - d0);
                INDArray col = columns(p, d0, len, h, w, mgr, ArrayType.FF_WORKING_MEM);
                INDArray z = len == d ? oi.reshape('c', cout, d * h * w)
                    : mgr.createUninitialized(ArrayType.FF_WORKING_MEM, x.dataType(), new long[] {cout, len * h * w}, 'c');
                Nd4j.gemm(w2, col, z, false, false, 1.0, 0.0);
                if (bias != null) {
                    z.addiColumnVector(bias.reshape(cout, 1));
                }
                if (len != d) {
                    oi.get(NDArrayIndex.all(), NDArrayIndex.interval(d0, d0 + len), NDArrayIndex.all())
                        .assign(z.reshape('c', cout, len, h * w));
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
        long n = x.size(0);
        long cin = x.size(1);
        long d = x.size(2);
        long h = x.size(3);
        long w = x.size(4);
        long cout = weights.size(0);
        INDArray w2 = weights.dup('c').reshape('c', cout, cin * taps());
        INDArray dw2 = mgr.create(ArrayType.BP_WORKING_MEM, x.dataType(), cout, cin * taps());
        INDArray dl = delta.ordering() == 'c' && !delta.isView() ? delta : delta.dup('c');
        long dc = chunk(cin, d, h * w, x.dataType().width());
        for (long i = 0; i < n; i++) {
            INDArray p = padded(x, i, mgr, ArrayType.BP_WORKING_MEM);
            INDArray dp = mgr.create(ArrayType.BP_WORKING_MEM, x.dataType(), p.shape());
            INDArray di = dl.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all()).reshape('c', cout, d, h * w);
            for (long d0 = 0; d0 < d; d0 += dc) {
                long len = Math.min(dc, d - d0);
                INDArray col = columns(p, d0, len, h, w, mgr, ArrayType.BP_WORKING_MEM);
                INDArray dz = len == d ? di.reshape('c', cout, d * h * w)
                    : di.get(NDArrayIndex.all(), NDArrayIndex.interval(d0, d0 + len), NDArrayIndex.all())
                        .dup('c').reshape('c', cout, len * h * w);
                Nd4j.gemm(dz, col, dw2, false, true, 1.0, 1.0);
                INDArray dcol = col; // reuse the buffer: dcol = W^T dz
                Nd4j.gemm(w2, dz, dcol, true, false, 1.0, 0.0);
                INDArray dcol5 = dcol.reshape('c', cin, taps(), len, h, w);
                int t = 0;
                for (int a = 0; a < k[0]; a++) {
                    for (int b = 0; b < k[1]; b++) {
                        for (int c = 0; c < k[2]; c++) {
                            tap(dp, a, b, c, d0, len, h, w).addi(dcol5.get(NDArrayIndex.all(), NDArrayIndex.point(t++),
                                NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()));
                        }
                    }
                }
            }
            epsOut.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all()).assign(dp.get(NDArrayIndex.all(), NDArrayIndex.interval(padLow[0], padLow[0] + d),
                NDArrayIndex.interval(padLow[1], padLow[1] + h), NDArrayIndex.interval(padLow[2], padLow[2] + w)));
        }
        weightGrad.assign(dw2.reshape(weightGrad.shape()));
        if (biasGrad != null) {
            biasGrad.assign(dl.sum(0, 2, 3, 4).reshape(biasGrad.shape()));
        }
    }
}
