package renalseg.postprocessing.crf;

/**
 * Mean-field inference in a fully connected 3D CRF with Gaussian edge potentials (Krähenbühl and Koltun,
 * NIPS 2011; in 3D as Kamnitsas et al., Medical Image Analysis 2017). Unaries are -log of the network's
 * probabilities; pairwise terms are an appearance kernel over position (mm) and intensity and a smoothness
 * kernel over position, with Potts compatibility. Each mean-field step filters the current marginals with
 * both kernels on a {@link PermutohedralLattice}, so one iteration costs O(voxels x classes).
 *
 * <p>Layouts as {@link renalseg.volume.Geometry} (x fastest); probabilities class-major [classes][voxels],
 * which is also {@link renalseg.postprocessing.voting.OverlapVoter#probabilities()}'s [classes][d][h][w].
 */
public final class DenseCrf {

    /** Probabilities are clamped here before the logarithm, so a hard 0 is a large but finite cost. */
    private static final double MIN_PROBABILITY = 1e-6;

    private DenseCrf() {
    }

    /**
     * Approximate posterior marginals, class-major [classes][voxels]. With {@code iterations = 0} (or both
     * weights 0) this is the clamped, renormalized input.
     */
    public static float[] marginals(float[] probabilities, float[] image, int classes, int nx, int ny, int nz,
                                    double[] spacing, CrfSettings s) {
        return marginals(probabilities, image, classes, nx, ny, nz, spacing, s, 1);
    }

    /**
     * As above on {@code threads} threads. Every step computes each voxel (or lattice vertex) on its own and
     * sums in a fixed order, so the marginals are the same floats for any thread count.
     */
    public static float[] marginals(float[] probabilities, float[] image, int classes, int nx, int ny, int nz,
                                    double[] spacing, CrfSettings s, int threads) {
        try (Parallel par = new Parallel(threads)) {
            return marginals(probabilities, image, classes, nx, ny, nz, spacing, s, par);
        }
    }

    private static float[] marginals(float[] probabilities, float[] image, int classes, int nx, int ny, int nz,
                                     double[] spacing, CrfSettings s, Parallel par) {
        int n = Math.toIntExact((long) nx * ny * nz);
        if (classes < 2 || probabilities.length != (long) classes * n) {
            throw new IllegalArgumentException("probabilities must be " + classes + " x " + n + " values");
        }
        if (image.length != n) {
            throw new IllegalArgumentException("image has " + image.length + " voxels, expected " + n);
        }
        // point-major unaries: -log p
        float[] unary = new float[n * classes];
        par.range(n, (lo, hi) -> {
            for (int c = 0; c < classes; c++) {
                for (int v = lo; v < hi; v++) {
                    unary[v * classes + c] = (float) -Math.log(Math.max(MIN_PROBABILITY, probabilities[c * n + v]));
                }
            }
        });
        float[] q = new float[n * classes];
        float[] logits = new float[n * classes];
        negate(unary, logits, classes, par);
        softmax(logits, q, classes, par);
        boolean pairwise = s.iterations() > 0 && (s.appearanceWeight() > 0 || s.smoothnessWeight() > 0);
        if (pairwise) {
            Kernel appearance = s.appearanceWeight() > 0 ? new Kernel(s.appearanceWeight(),
                PermutohedralLattice.build(n, 4, (i, f) -> {
                    position(i, nx, ny, spacing, s.appearancePositionMm(), f);
                    f[3] = image[i] / s.appearanceIntensity();
                }, par), par) : null;
            Kernel smoothness = s.smoothnessWeight() > 0 ? new Kernel(s.smoothnessWeight(),
                PermutohedralLattice.build(n, 3, (i, f) -> position(i, nx, ny, spacing, s.smoothnessPositionMm(), f),
                    par), par) : null;
            float[] message = new float[n * classes];
            for (int it = 0; it < s.iterations(); it++) {
                negate(unary, logits, classes, par);
                for (Kernel k : new Kernel[] {appearance, smoothness}) {
                    if (k != null) {
                        k.addMessage(q, message, logits, classes, par);
                    }
                }
                softmax(logits, q, classes, par);
            }
        }
        float[] out = new float[n * classes];
        par.range(n, (lo, hi) -> {
            for (int v = lo; v < hi; v++) {
                for (int c = 0; c < classes; c++) {
                    out[c * n + v] = q[v * classes + c];
                }
            }
        });
        return out;
    }

    /** Argmax per voxel of class-major marginals (ties to the lower class). */
    public static byte[] labels(float[] marginals, int classes) {
        int n = marginals.length / classes;
        byte[] out = new byte[n];
        for (int v = 0; v < n; v++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (marginals[c * n + v] > marginals[best * n + v]) {
                    best = c;
                }
            }
            out[v] = (byte) best;
        }
        return out;
    }

    /** Voxel centre in mm divided by the bandwidth. */
    private static void position(int i, int nx, int ny, double[] spacing, double bandwidthMm, double[] f) {
        int x = i % nx;
        int y = (i / nx) % ny;
        int z = i / (nx * ny);
        f[0] = x * spacing[0] / bandwidthMm;
        f[1] = y * spacing[1] / bandwidthMm;
        f[2] = z * spacing[2] / bandwidthMm;
    }

    private static void negate(float[] unary, float[] logits, int classes, Parallel par) {
        par.range(unary.length / classes, (lo, hi) -> {
            for (int i = lo * classes; i < hi * classes; i++) {
                logits[i] = -unary[i];
            }
        });
    }

    private static void softmax(float[] logits, float[] q, int classes, Parallel par) {
        par.range(logits.length / classes, (lo, hi) -> softmax(logits, q, classes, lo * classes, hi * classes));
    }

    private static void softmax(float[] logits, float[] q, int classes, int from, int to) {
        for (int o = from; o < to; o += classes) {
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[o + c]);
            }
            float sum = 0;
            for (int c = 0; c < classes; c++) {
                float e = (float) Math.exp(logits[o + c] - max);
                q[o + c] = e;
                sum += e;
            }
            for (int c = 0; c < classes; c++) {
                q[o + c] /= sum;
            }
        }
    }

    /** One Gaussian kernel: its weight, lattice and per-voxel normalizer. */
    private static final class Kernel {
        final float weight;
        final PermutohedralLattice lattice;
        final float[] norm;

        Kernel(double weight, PermutohedralLattice lattice, Parallel par) {
            this.weight = (float) weight;
            this.lattice = lattice;
            float[] ones = lattice.filterOnes(par);
            norm = new float[ones.length];
            for (int i = 0; i < ones.length; i++) {
                norm[i] = ones[i] > 0 ? 1f / ones[i] : 0f;
            }
        }

        /**
         * Potts message: logits(l) += w * (normalized Gaussian mean of Q(l)). Potts costs w * (1 - mean Q(l));
         * the constant w drops out of the softmax.
         */
        void addMessage(float[] q, float[] scratch, float[] logits, int classes, Parallel par) {
            lattice.filter(q, scratch, classes, par);
            par.range(norm.length, (lo, hi) -> {
                for (int v = lo, o = lo * classes; v < hi; v++) {
                    float s = weight * norm[v];
                    for (int c = 0; c < classes; c++, o++) {
                        logits[o] += s * scratch[o];
                    }
                }
            });
        }
    }
}
