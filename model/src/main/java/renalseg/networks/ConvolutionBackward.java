package renalseg.networks;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * libnd4j's {@code conv3dnew_bp} (oneDNN where it applies) from dL/dz, over groups of input channels when the
 * input is large. oneDNN copies x, dL/dz and dL/dx into its blocked layout for the call: on the paper
 * network's last decoder layer (32 -> 16 channels, 64 x 128 x 128) that is +384 MB at once, the peak of a
 * training step. dL/dx and dL/dW of an input-channel group need only that group of x and W (and all of
 * dL/dz), so the groups run one after another and the copies shrink with them; dL/db comes from the first.
 * Measured alone on that layer (batch 1, AMD EPYC, 2 threads): one call +384 MB, 0.92-1.04 s; two groups of
 * 16 channels +256 MB, 1.20-1.29 s; four of 8 +128 MB but 2.7-3.0 s (oneDNN is slow on narrow groups), hence
 * groups no smaller than dL/dz. Batches go through an example (or a few) at a time before that.
 */
final class ConvolutionBackward {

    /**
     * A call's examples keep x and dL/dz under this many bytes (at least one example); its input channels stay
     * under it, or under the call's dL/dz where that is larger.
     */
    static final long GROUP_BYTES = 64L << 20;

    private final int[] kernel;
    private final int[] strides;
    private final int[] pad;
    private final int[] dilation;
    private final boolean same;
    private final long groupBytes;

    ConvolutionBackward(int[] kernel, int[] strides, int[] pad, int[] dilation, boolean same, long groupBytes) {
        this.kernel = kernel.clone();
        this.strides = strides.clone();
        this.pad = pad.clone();
        this.dilation = dilation.clone();
        this.same = same;
        this.groupBytes = groupBytes;
    }

    /** Input channels per group for input x [N, C_in, ...] and dL/dz {@code delta}. */
    long channelsPerGroup(INDArray x, INDArray delta) {
        long cin = x.size(1);
        long bound = Math.max(groupBytes, delta.length() * delta.dataType().width());
        long bytes = x.length() * x.dataType().width();
        long groups = Math.max(1, Math.min(cin, (bytes + bound - 1) / bound));
        return (cin + groups - 1) / groups;
    }

    /** Examples per call: as many as keep x and dL/dz under the bound, at least one. */
    long examplesPerGroup(INDArray x, INDArray delta) {
        long n = x.size(0);
        long perExample = (x.length() * x.dataType().width() + delta.length() * delta.dataType().width()) / n;
        return Math.max(1, Math.min(n, groupBytes / Math.max(1, perExample)));
    }

    /**
     * dL/dx into {@code epsOut} (x's shape), dL/dW into {@code wGrad} and dL/db into {@code bGrad} (null without
     * bias; b likewise), all in DL4J's layouts: W [C_out, C_in, kD, kH, kW]. Large batches go through in groups
     * of examples (oneDNN's copies scale with the call's batch: the paper trains with 4), whose dL/dW and dL/db
     * add up.
     */
    void run(INDArray x, INDArray w, INDArray b, INDArray delta, INDArray epsOut, INDArray wGrad, INDArray bGrad) {
        long n = x.size(0);
        long per = examplesPerGroup(x, delta);
        if (per >= n) {
            runChannels(x, w, b, delta, epsOut, wGrad, bGrad);
            return;
        }
        INDArray wPart = Nd4j.createUninitialized(wGrad.dataType(), wGrad.shape(), 'c');
        INDArray bPart = bGrad == null ? null : Nd4j.createUninitialized(bGrad.dataType(), bGrad.shape(), 'c');
        for (long n0 = 0; n0 < n; n0 += per) {
            long n1 = Math.min(n, n0 + per);
            boolean first = n0 == 0;
            runChannels(channels(x, 0, n0, n1), w, b, channels(delta, 0, n0, n1), channels(epsOut, 0, n0, n1),
                first ? wGrad : wPart, first ? bGrad : bPart);
            if (!first) {
                wGrad.addi(wPart);
                if (bGrad != null) {
                    bGrad.addi(bPart);
                }
            }
        }
    }

    private void runChannels(INDArray x, INDArray w, INDArray b, INDArray delta, INDArray epsOut, INDArray wGrad,
                             INDArray bGrad) {
        long cin = x.size(1);
        long per = channelsPerGroup(x, delta);
        for (long c0 = 0; c0 < cin; c0 += per) {
            long c1 = Math.min(cin, c0 + per);
            boolean whole = c0 == 0 && c1 == cin;
            INDArray xg = whole ? x : channels(x, 1, c0, c1);
            INDArray wg = whole ? w : channels(w, 1, c0, c1);
            INDArray wGradG = whole ? wGrad : channels(wGrad, 1, c0, c1);
            INDArray epsG = whole ? epsOut : channels(epsOut, 1, c0, c1);
            // DL4J keeps W as [out, in, kD, kH, kW]; libnd4j's conv3d wants [kD, kH, kW, in, out]
            DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv3dnew_bp")
                .addIntegerArguments(kernel[0], kernel[1], kernel[2], strides[0], strides[1], strides[2],
                    pad[0], pad[1], pad[2], dilation[0], dilation[1], dilation[2], same ? 1 : 0, 0)
                .callInplace(false);
            INDArray wOp = wg.permute(2, 3, 4, 1, 0);
            INDArray wGradOp = wGradG.permute(2, 3, 4, 1, 0);
            if (b != null && c0 == 0) {
                op.addInputs(xg, wOp, b, delta).addOutputs(epsG, wGradOp, bGrad);
            } else {
                op.addInputs(xg, wOp, delta).addOutputs(epsG, wGradOp);
            }
            Nd4j.getExecutioner().exec(op.build());
        }
    }

    /** Indices [c0, c1) along {@code axis}: channels or examples (a view). */
    private static INDArray channels(INDArray a, int axis, long c0, long c1) {
        INDArrayIndex[] ix = new INDArrayIndex[a.rank()];
        for (int i = 0; i < ix.length; i++) {
            ix[i] = i == axis ? NDArrayIndex.interval(c0, c1) : NDArrayIndex.all();
        }
        return a.get(ix);
    }
}
