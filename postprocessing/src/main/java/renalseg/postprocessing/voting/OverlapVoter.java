package renalseg.postprocessing.voting;

/**
 * Stitches overlapping window predictions into one volume of shape [depth][height][width] (C-order, the
 * network's D, H, W; width fastest in memory).
 *
 * <p>Each {@link #add} takes one window's class probabilities, C-order [classes][wd][wh][ww], placed
 * with its first voxel at (z0, y0, x0); parts of the window beyond the volume are ignored, so windows may
 * hang over the border. What is kept per voxel and class: the (weighted) sum of probabilities and, for
 * {@link VotingMode#MAJORITY}, the number of windows whose argmax was that class.
 *
 * <p>{@code add} is synchronized so that several inference threads may feed one voter; {@link #labels()}
 * and {@link #probabilities()} read the sums as they stand.
 */
public final class OverlapVoter {

    private final int classes;
    private final int depth;
    private final int height;
    private final int width;
    private final VotingMode mode;
    private final int voxels;
    /** [classes][voxels]: sum over windows of weight x probability. */
    private final float[] probSum;
    /** [voxels]: sum of the weights of the windows that covered the voxel (0 = never covered). */
    private final float[] weightSum;
    /** [classes][voxels]: windows whose argmax was the class (MAJORITY only). */
    private final int[] votes;

    public OverlapVoter(int classes, int depth, int height, int width, VotingMode mode) {
        if (classes < 1 || depth < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("classes and shape must be positive: " + classes + " classes, "
                + depth + "x" + height + "x" + width);
        }
        if (mode == null) {
            throw new IllegalArgumentException("voting mode is required");
        }
        long n = (long) depth * height * width;
        if (n * classes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("volume too large for one voter: " + classes + " x " + n + " voxels");
        }
        this.classes = classes;
        this.depth = depth;
        this.height = height;
        this.width = width;
        this.mode = mode;
        this.voxels = (int) n;
        this.probSum = new float[classes * voxels];
        this.weightSum = new float[voxels];
        this.votes = mode == VotingMode.MAJORITY ? new int[classes * voxels] : null;
    }

    public VotingMode mode() {
        return mode;
    }

    /**
     * Adds one window: {@code probs} is C-order [classes][wd][wh][ww], its voxel (0,0,0) lands on volume voxel
     * (z0, y0, x0). Origins may be negative and windows may extend beyond the volume.
     */
    public synchronized void add(float[] probs, int z0, int y0, int x0, int wd, int wh, int ww) {
        if (wd < 1 || wh < 1 || ww < 1) {
            throw new IllegalArgumentException("window size must be positive: " + wd + "x" + wh + "x" + ww);
        }
        long wn = (long) wd * wh * ww;
        if (probs == null || probs.length != wn * classes) {
            throw new IllegalArgumentException("window of " + classes + "x" + wd + "x" + wh + "x" + ww
                + " needs " + wn * classes + " probabilities, got " + (probs == null ? "null" : probs.length));
        }
        int winVoxels = (int) wn;
        float[] wz = weights(wd);
        float[] wy = weights(wh);
        float[] wx = weights(ww);
        int zs = Math.max(0, -z0);
        int ze = Math.min(wd, depth - z0);
        int ys = Math.max(0, -y0);
        int ye = Math.min(wh, height - y0);
        int xs = Math.max(0, -x0);
        int xe = Math.min(ww, width - x0);
        for (int z = zs; z < ze; z++) {
            for (int y = ys; y < ye; y++) {
                float wzy = wz[z] * wy[y];
                int src = (z * wh + y) * ww;
                int dst = ((z + z0) * height + (y + y0)) * width + x0;
                for (int x = xs; x < xe; x++) {
                    float w = wzy * wx[x];
                    int s = src + x;
                    int d = dst + x;
                    weightSum[d] += w;
                    int best = 0;
                    float bestP = probs[s];
                    for (int c = 0; c < classes; c++) {
                        float p = probs[c * winVoxels + s];
                        probSum[c * voxels + d] += w * p;
                        // strictly greater: ties go to the lower class, as numpy's argmax
                        if (p > bestP) {
                            bestP = p;
                            best = c;
                        }
                    }
                    if (votes != null) {
                        votes[best * voxels + d]++;
                    }
                }
            }
        }
    }

    /** Per-axis weights: 1 for MAJORITY and SOFT; for GAUSSIAN nnU-Net's importance profile. */
    private float[] weights(int n) {
        float[] w = new float[n];
        if (mode != VotingMode.GAUSSIAN) {
            java.util.Arrays.fill(w, 1f);
            return w;
        }
        return gaussianProfile(n);
    }

    /**
     * exp(-(i - c)^2 / (2 sigma^2)) with c = n / 2 (integer division, nnU-Net's centre) and sigma = n / 8;
     * the product over axes is nnU-Net's importance map divided by its maximum. nnU-Net's Gaussian is
     * truncated at 4 sigma, which with sigma = n/8 lies at or beyond the window edge, so no truncation here.
     */
    static float[] gaussianProfile(int n) {
        float[] w = new float[n];
        double sigma = n / 8.0;
        int c = n / 2;
        for (int i = 0; i < n; i++) {
            double d = i - c;
            w[i] = (float) Math.exp(-d * d / (2 * sigma * sigma));
        }
        return w;
    }

    /**
     * Labels, C-order [depth][height][width]. Voxels no window covered are 0. MAJORITY: the class with most
     * window votes, ties by the larger summed probability, then the lower class. SOFT and GAUSSIAN: the
     * argmax of the (weighted) mean probability, ties to the lower class.
     */
    public synchronized byte[] labels() {
        byte[] out = new byte[voxels];
        for (int v = 0; v < voxels; v++) {
            if (weightSum[v] == 0f) {
                continue;
            }
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (better(c, best, v)) {
                    best = c;
                }
            }
            out[v] = (byte) best;
        }
        return out;
    }

    private boolean better(int c, int best, int v) {
        if (votes != null) {
            int vc = votes[c * voxels + v];
            int vb = votes[best * voxels + v];
            if (vc != vb) {
                return vc > vb;
            }
        }
        return probSum[c * voxels + v] > probSum[best * voxels + v];
    }

    /**
     * Probabilities, C-order [classes][depth][height][width]: the (weighted) mean over the windows that
     * covered each voxel (for MAJORITY the plain mean). Voxels no window covered get probability 1 for
     * class 0, matching their label 0.
     */
    public synchronized float[] probabilities() {
        float[] out = new float[classes * voxels];
        for (int v = 0; v < voxels; v++) {
            float w = weightSum[v];
            if (w == 0f) {
                out[v] = 1f;
                continue;
            }
            for (int c = 0; c < classes; c++) {
                out[c * voxels + v] = probSum[c * voxels + v] / w;
            }
        }
        return out;
    }

    /** How many windows covered each voxel (MAJORITY and SOFT) or their summed weight (GAUSSIAN). */
    public synchronized float[] coverage() {
        return weightSum.clone();
    }

    public int classes() {
        return classes;
    }

    public int depth() {
        return depth;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }
}
