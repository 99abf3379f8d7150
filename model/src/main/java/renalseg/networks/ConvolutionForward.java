package renalseg.networks;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * libnd4j's {@code conv3dnew} (oneDNN where it applies) for stride-1, undilated, Same-mode NCDHW convolutions,
 * over depth slabs when the arrays are large. oneDNN copies the input and the output of a call into its blocked
 * layout: on the paper network's last decoder layer (32 -> 16 channels, 64 x 128 x 128) that is +192 MB beside
 * the layer's own 64 MB output, the peak of an inference pass. An output slab needs only its input planes and a
 * halo of the kernel's reach, so the slabs run one after another, read from views of x and write into views of
 * z, and the copies shrink with them.
 *
 * <p>libnd4j pads both ends of an axis alike. Interior slabs take their halo from x and no depth padding, which
 * gives exactly their planes. The first and the last slab pad (the volume's edge needs zeros on one side), which
 * also writes a halo's width of planes past their end or before their start; those belong to the neighbouring
 * interior slab, which runs afterwards and overwrites them. Hence at least three slabs, the edges first.
 */
final class ConvolutionForward {

    /** A call keeps its slab of x and z (of one example) under this many bytes, where the depth allows. */
    static final long SLAB_BYTES = 64L << 20;

    private final int[] kernel;
    private final int[] pad;
    private final long slabBytes;

    /** Kernel [kD, kH, kW], odd; Same-mode padding [pD, pH, pW] = (k - 1) / 2. */
    ConvolutionForward(int[] kernel, int[] pad, long slabBytes) {
        this.kernel = kernel.clone();
        this.pad = pad.clone();
        this.slabBytes = slabBytes;
    }

    /** True where slabs reproduce the whole call: stride 1, no dilation, odd kernel, Same padding. */
    static boolean applies(int[] kernel, int[] strides, int[] dilation, int[] pad) {
        for (int i = 0; i < 3; i++) {
            if (strides[i] != 1 || dilation[i] != 1 || kernel[i] % 2 == 0 || pad[i] != kernel[i] / 2) {
                return false;
            }
        }
        return true;
    }

    /** Depth slabs for one example of x [N, C_in, D, H, W] into {@code cout} channels: 1, or 3 and more. */
    int slabs(INDArray x, long cout) {
        long depth = x.size(2);
        long plane = x.size(3) * x.size(4) * x.dataType().width();
        long bytes = (x.size(1) + cout) * depth * plane;
        if (bytes <= slabBytes) {
            return 1;
        }
        long n = Math.max(3, (bytes + slabBytes - 1) / Math.max(1, slabBytes));
        // each slab at least as deep as the kernel, so that an edge slab's extra planes stay in its neighbour
        long most = depth / Math.max(kernel[0], 1);
        return (int) (most < 3 ? 1 : Math.min(n, most));
    }

    /** z [N, C_out, D, H, W] = conv(x, W) + b, W in DL4J's layout [C_out, C_in, kD, kH, kW]; b may be null. */
    void run(INDArray x, INDArray w, INDArray b, INDArray z) {
        int n = slabs(x, z.size(1));
        if (n == 1) {
            call(x, w, b, z, pad[0]);
            return;
        }
        long depth = x.size(2);
        long[] bounds = new long[n + 1];
        for (int i = 0; i <= n; i++) {
            bounds[i] = depth * i / n;
        }
        int[] order = new int[n];
        order[0] = 0;
        order[1] = n - 1;
        for (int i = 2; i < n; i++) {
            order[i] = i - 1;
        }
        int reach = pad[0];
        for (long e = 0; e < x.size(0); e++) {
            for (int s : order) {
                long d0 = bounds[s];
                long d1 = bounds[s + 1];
                long in0 = Math.max(0, d0 - reach);
                long in1 = Math.min(depth, d1 + reach);
                boolean edge = s == 0 || s == n - 1;
                // padded at both ends, an edge slab's output spans its input's planes: `reach` of them belong to
                // the neighbouring interior slab (overwritten when that one runs); an interior slab, unpadded in
                // depth, gives exactly [d0, d1)
                long out0 = edge ? in0 : d0;
                long out1 = edge ? in1 : d1;
                call(view(x, e, in0, in1), w, b, view(z, e, out0, out1), edge ? reach : 0);
            }
        }
    }

    private void call(INDArray x, INDArray w, INDArray b, INDArray z, int padDepth) {
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv3dnew")
            .addIntegerArguments(kernel[0], kernel[1], kernel[2], 1, 1, 1, padDepth, pad[1], pad[2], 1, 1, 1, 0, 0)
            .callInplace(false);
        // DL4J keeps W as [out, in, kD, kH, kW]; libnd4j's conv3d wants [kD, kH, kW, in, out]
        INDArray wOp = w.permute(2, 3, 4, 1, 0);
        if (b != null) {
            op.addInputs(x, wOp, b);
        } else {
            op.addInputs(x, wOp);
        }
        Nd4j.getExecutioner().exec(op.addOutputs(z).build());
    }

    /** Example e, depth planes [d0, d1), all channels (a view). */
    private static INDArray view(INDArray a, long e, long d0, long d1) {
        INDArrayIndex[] ix = {NDArrayIndex.interval(e, e + 1), NDArrayIndex.all(), NDArrayIndex.interval(d0, d1),
            NDArrayIndex.all(), NDArrayIndex.all()};
        return a.get(ix);
    }
}
