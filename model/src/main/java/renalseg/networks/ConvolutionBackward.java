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
 *
 * <p>Stride-1, undilated, Same-mode layers with odd kernels (the FCN-PPM's 3x3x3 ones) go over depth slabs
 * instead, an example at a time, when one example's x and dL/dz exceed the slab bound: the output planes
 * [d0, d1) of a slab need only dL/dz there and x on [d0 - r, d1 + r) (r = kD / 2), and they give the slab's
 * share of dL/dW and dL/db and the part of dL/dx they reach, on those input planes. Each slab runs unpadded in
 * depth on a view of x (the two edge slabs on a copy with r zero planes where the volume ends); the shares of
 * dL/dW and dL/db add up, and so do the slabs' dL/dx where their halos overlap. oneDNN's copies then scale
 * with the slab, not with the volume.
 */
final class ConvolutionBackward {

    /**
     * A call's examples keep x and dL/dz under this many bytes (at least one example); its input channels stay
     * under it, or under the call's dL/dz where that is larger.
     */
    static final long GROUP_BYTES = 64L << 20;

    /** Where slabs apply: one example's x and dL/dz above this go in depth slabs of about this size. */
    static final long SLAB_BYTES = 32L << 20;

    /** Output planes per slab at least (each slab recomputes a halo of 2r input planes of dL/dx). */
    private static final long MIN_SLAB_DEPTH = 4;

    private final int[] kernel;
    private final int[] strides;
    private final int[] pad;
    private final int[] dilation;
    private final boolean same;
    private final long groupBytes;
    private final long slabBytes;

    ConvolutionBackward(int[] kernel, int[] strides, int[] pad, int[] dilation, boolean same, long groupBytes) {
        this(kernel, strides, pad, dilation, same, groupBytes, Long.MAX_VALUE);
    }

    ConvolutionBackward(int[] kernel, int[] strides, int[] pad, int[] dilation, boolean same, long groupBytes,
                        long slabBytes) {
        this.kernel = kernel.clone();
        this.strides = strides.clone();
        this.pad = pad.clone();
        this.dilation = dilation.clone();
        this.same = same;
        this.groupBytes = groupBytes;
        this.slabBytes = slabBytes;
    }

    /** Depth slabs per example for x [N, C_in, D, H, W] and dL/dz {@code delta}: 1 where slabs do not apply. */
    int slabs(INDArray x, INDArray delta) {
        for (int i = 0; i < 3; i++) {
            if (strides[i] != 1 || dilation[i] != 1 || kernel[i] % 2 == 0 || pad[i] != kernel[i] / 2) {
                return 1;
            }
        }
        long n = x.size(0);
        long bytes = (x.length() * x.dataType().width() + delta.length() * delta.dataType().width()) / n;
        if (bytes <= slabBytes) {
            return 1;
        }
        long wanted = (bytes + slabBytes - 1) / slabBytes;
        return (int) Math.max(1, Math.min(wanted, x.size(2) / MIN_SLAB_DEPTH));
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
        int slabs = slabs(x, delta);
        long per = slabs > 1 ? 1 : examplesPerGroup(x, delta);
        if (per >= n) {
            runGroup(x, w, b, delta, epsOut, wGrad, bGrad, slabs);
            return;
        }
        Shares shares = new Shares(wGrad, bGrad);
        for (long n0 = 0; n0 < n; n0 += per) {
            long n1 = Math.min(n, n0 + per);
            boolean first = n0 == 0;
            runGroup(slice(x, 0, n0, n1), w, b, slice(delta, 0, n0, n1), slice(epsOut, 0, n0, n1),
                shares.w(first), shares.b(first), slabs);
            shares.add(first);
        }
    }

    private void runGroup(INDArray x, INDArray w, INDArray b, INDArray delta, INDArray epsOut, INDArray wGrad,
                          INDArray bGrad, int slabs) {
        if (slabs > 1) {
            runSlabs(x, w, b, delta, epsOut, wGrad, bGrad, slabs);
        } else {
            runChannels(x, w, b, delta, epsOut, wGrad, bGrad);
        }
    }

    /** One example [1, ...] in depth slabs (see the class comment). */
    private void runSlabs(INDArray x, INDArray w, INDArray b, INDArray delta, INDArray epsOut, INDArray wGrad,
                          INDArray bGrad, int slabs) {
        long depth = x.size(2);
        long r = pad[0];
        long[] plane = {x.size(0), x.size(1), 0, x.size(3), x.size(4)};
        long most = (depth + slabs - 1) / slabs + 2 * r;
        // one buffer for a slab's x (edge slabs, padded) and one for its dL/dx, sized for the deepest slab
        INDArray xBuffer = Nd4j.createUninitialized(x.dataType(), x.size(0) * x.size(1) * most * x.size(3) * x.size(4));
        INDArray dxBuffer = Nd4j.createUninitialized(x.dataType(), xBuffer.length());
        Shares shares = new Shares(wGrad, bGrad);
        int[] slabPad = {0, pad[1], pad[2]};
        epsOut.assign(0);
        for (int s = 0; s < slabs; s++) {
            long d0 = depth * s / slabs;
            long d1 = depth * (s + 1) / slabs;
            long in0 = d0 - r;
            long in1 = d1 + r;
            long lo = Math.max(0, in0);
            long hi = Math.min(depth, in1);
            plane[2] = in1 - in0;
            INDArray xs;
            if (lo == in0 && hi == in1) {
                xs = slice(x, 2, in0, in1);
            } else {
                xs = Contiguous.leading(xBuffer, plane);
                xs.assign(0);
                slice(xs, 2, lo - in0, hi - in0).assign(slice(x, 2, lo, hi));
            }
            INDArray dxs = Contiguous.leading(dxBuffer, plane);
            boolean first = s == 0;
            call(xs, w, b, slice(delta, 2, d0, d1), dxs, shares.w(first), shares.b(first), slabPad, false);
            slice(epsOut, 2, lo, hi).addi(slice(dxs, 2, lo - in0, hi - in0));
            shares.add(first);
        }
    }

    /**
     * dL/dW and dL/db summed over the parts of a call (example groups, depth slabs): the first part writes the
     * sums, each later one writes its share into a buffer that is then added.
     */
    private static final class Shares {
        private final INDArray wGrad;
        private final INDArray bGrad;
        private final INDArray wPart;
        private final INDArray bPart;

        Shares(INDArray wGrad, INDArray bGrad) {
            this.wGrad = wGrad;
            this.bGrad = bGrad;
            this.wPart = Nd4j.createUninitialized(wGrad.dataType(), wGrad.shape(), 'c');
            this.bPart = bGrad == null ? null : Nd4j.createUninitialized(bGrad.dataType(), bGrad.shape(), 'c');
        }

        INDArray w(boolean first) {
            return first ? wGrad : wPart;
        }

        INDArray b(boolean first) {
            return first ? bGrad : bPart;
        }

        /** After a part ran: adds its share unless it wrote the sums. */
        void add(boolean first) {
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
            INDArray xg = whole ? x : slice(x, 1, c0, c1);
            INDArray wg = whole ? w : slice(w, 1, c0, c1);
            INDArray wGradG = whole ? wGrad : slice(wGrad, 1, c0, c1);
            INDArray epsG = whole ? epsOut : slice(epsOut, 1, c0, c1);
            call(xg, wg, c0 == 0 ? b : null, delta, epsG, wGradG, c0 == 0 ? bGrad : null, pad, same);
        }
    }

    /** One conv3dnew_bp: dL/dx into epsOut, dL/dW into wGrad, dL/db into bGrad when b is given. */
    private void call(INDArray x, INDArray w, INDArray b, INDArray delta, INDArray epsOut, INDArray wGrad,
                      INDArray bGrad, int[] padding, boolean sameMode) {
        // DL4J keeps W as [out, in, kD, kH, kW]; libnd4j's conv3d wants [kD, kH, kW, in, out]
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv3dnew_bp")
            .addIntegerArguments(kernel[0], kernel[1], kernel[2], strides[0], strides[1], strides[2],
                padding[0], padding[1], padding[2], dilation[0], dilation[1], dilation[2], sameMode ? 1 : 0, 0)
            .callInplace(false);
        INDArray wOp = w.permute(2, 3, 4, 1, 0);
        INDArray wGradOp = wGrad.permute(2, 3, 4, 1, 0);
        if (b != null) {
            op.addInputs(x, wOp, b, delta).addOutputs(epsOut, wGradOp, bGrad);
        } else {
            op.addInputs(x, wOp, delta).addOutputs(epsOut, wGradOp);
        }
        Nd4j.getExecutioner().exec(op.build());
    }

    /** Indices [c0, c1) along {@code axis}: examples, channels or depth planes (a view). */
    private static INDArray slice(INDArray a, int axis, long c0, long c1) {
        INDArrayIndex[] ix = new INDArrayIndex[a.rank()];
        for (int i = 0; i < ix.length; i++) {
            ix[i] = i == axis ? NDArrayIndex.interval(c0, c1) : NDArrayIndex.all();
        }
        return a.get(ix);
    }
}
