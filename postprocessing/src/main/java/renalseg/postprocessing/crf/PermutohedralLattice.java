package renalseg.postprocessing.crf;

import java.util.Arrays;

/**
 * High-dimensional Gaussian filtering on the permutohedral lattice (Adams, Baek and Davis, "Fast
 * high-dimensional filtering using the permutohedral lattice", Eurographics 2010), as Krähenbühl and
 * Koltun's dense CRF uses it: for n points with d-dimensional features f (already divided by their
 * bandwidths) it approximates
 * <pre>  out_i = sum_j exp(-|f_i - f_j|^2 / 2) in_j</pre>
 * in O(n (d+1)) per filtering: splat each point onto the d+1 vertices of its enclosing simplex with
 * barycentric weights, blur the lattice along its d+1 axes with the kernel [1/4, 1/2, 1/4], slice back.
 *
 * <p>The lattice is built once per feature set (vertex indices and weights of every point are kept:
 * (d+1) x 8 bytes per point) and can then filter any number of value channels. Primitive arrays only; the
 * vertices live in an open-addressing hash table.
 */
public final class PermutohedralLattice {

    /** Feature vector of point i, written into {@code out} (length d). */
    @FunctionalInterface
    public interface Features {
        void get(int i, double[] out);
    }

    private final int d;
    private final int n;
    /** [n][d+1]: lattice vertex of each simplex corner of each point. */
    private final int[] vertexOf;
    /** [n][d+1]: barycentric weight of each corner. */
    private final float[] weightOf;
    /** Number of lattice vertices. */
    private final int m;
    /** [d+1][m][2]: the two neighbours of each vertex along each lattice axis, -1 when absent. */
    private final int[] neighbours;
    /**
     * The splat as a gather: the (point, corner) entries {@code p * (d+1) + r} of vertex v are
     * splatEntry[splatStart[v] .. splatStart[v+1]), ascending, so each vertex sums its contributions in the
     * order a sequential scatter would add them (the same floats for any thread count).
     */
    private final int[] splatStart;
    private final int[] splatEntry;

    private PermutohedralLattice(int d, int n, int[] vertexOf, float[] weightOf, int m, int[] neighbours) {
        this.d = d;
        this.n = n;
        this.vertexOf = vertexOf;
        this.weightOf = weightOf;
        this.m = m;
        this.neighbours = neighbours;
        splatStart = new int[m + 1];
        for (int v : vertexOf) {
            splatStart[v + 1]++;
        }
        for (int v = 0; v < m; v++) {
            splatStart[v + 1] += splatStart[v];
        }
        splatEntry = new int[vertexOf.length];
        int[] fill = java.util.Arrays.copyOf(splatStart, m);
        for (int e = 0; e < vertexOf.length; e++) {
            splatEntry[fill[vertexOf[e]]++] = e;
        }
    }

    /** Vertex of corner r of point p (tests). */
    int vertexOf(int p, int r) {
        return vertexOf[p * (d + 1) + r];
    }

    /** Barycentric weight of corner r of point p (tests). */
    float weightOf(int p, int r) {
        return weightOf[p * (d + 1) + r];
    }

    public int dimensions() {
        return d;
    }

    public int points() {
        return n;
    }

    /** Lattice vertices in use (the cost of a blur). */
    public int vertices() {
        return m;
    }

    /** Builds the lattice of {@code n} points with {@code d}-dimensional features, on one thread. */
    public static PermutohedralLattice build(int n, int d, Features features) {
        return build(n, d, features, Parallel.SERIAL);
    }

    /** Points per chunk of the parallel build; fixed, so vertex numbering does not depend on threads. */
    private static final int CHUNK = 1 << 15;

    /**
     * Builds the lattice on {@code par}'s threads. Chunks of points find their simplices and number their
     * vertices in a chunk-local table in parallel; the chunks' vertices then enter the global table in chunk
     * order, which numbers every vertex by its first appearance in point order, as one thread would.
     * {@code features} is called concurrently for different points.
     */
    static PermutohedralLattice build(int n, int d, Features features, Parallel par) {
        if (d < 1 || n < 0) {
            throw new IllegalArgumentException("need d >= 1 and n >= 0, got d=" + d + ", n=" + n);
        }
        if ((long) n * (d + 1) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(n + " points are too many for one lattice");
        }
        int d1 = d + 1;
        // Scale so that the lattice blur approximates a Gaussian of standard deviation 1 in feature units
        // (Adams et al., section 3.1; the same factors as Krähenbühl's densecrf).
        double invStd = Math.sqrt(2.0 / 3.0) * d1;
        double[] scale = new double[d];
        for (int i = 0; i < d; i++) {
            scale[i] = invStd / Math.sqrt((i + 1.0) * (i + 2.0));
        }
        int[] vertexOf = new int[n * d1];
        float[] weightOf = new float[n * d1];
        KeyTable table = new KeyTable(d, Math.max(16, n / 4));
        int chunks = (n + CHUNK - 1) / CHUNK;
        for (int wave = 0; wave < chunks; wave += par.threads()) {
            int first = wave;
            int count = Math.min(par.threads(), chunks - wave);
            KeyTable[] local = new KeyTable[count];
            par.range(count, (lo, hi) -> {
                for (int c = lo; c < hi; c++) {
                    int from = (first + c) * CHUNK;
                    int to = Math.min(n, from + CHUNK);
                    local[c] = new KeyTable(d, (to - from) * d1 / 4);
                    new Simplex(d, scale).embed(from, to, features, local[c], vertexOf, weightOf);
                }
            });
            int[][] global = new int[count][];
            for (int c = 0; c < count; c++) {
                global[c] = new int[local[c].size()];
                for (int v = 0; v < global[c].length; v++) {
                    global[c][v] = table.insert(local[c].keys, v * d);
                }
                local[c] = null;
            }
            par.range(count, (lo, hi) -> {
                for (int c = lo; c < hi; c++) {
                    int from = (first + c) * CHUNK * d1;
                    int to = Math.min(n, (first + c + 1) * CHUNK) * d1;
                    for (int e = from; e < to; e++) {
                        vertexOf[e] = global[c][vertexOf[e]];
                    }
                }
            });
        }
        int m = table.size();
        int[] nb = new int[d1 * m * 2];
        par.range(m, (lo, hi) -> {
            int[] n1 = new int[d];
            int[] n2 = new int[d];
            for (int j = 0; j <= d; j++) {
                for (int v = lo; v < hi; v++) {
                    int base = v * d;
                    for (int k = 0; k < d; k++) {
                        n1[k] = table.keys[base + k] + 1;
                        n2[k] = table.keys[base + k] - 1;
                    }
                    if (j < d) {
                        n1[j] = table.keys[base + j] - d;
                        n2[j] = table.keys[base + j] + d;
                    }
                    nb[(j * m + v) * 2] = table.find(n1, 0);
                    nb[(j * m + v) * 2 + 1] = table.find(n2, 0);
                }
            }
        });
        return new PermutohedralLattice(d, n, vertexOf, weightOf, m, nb);
    }

    /**
     * Filters {@code vd} channels per point: {@code in} and {@code out} are [n][vd] (point-major). The
     * result approximates sum_j exp(-|f_i - f_j|^2 / 2) in_j up to a constant factor close to 1; callers
     * that need a weighted mean divide by the filtered ones ({@link #filterOnes()}), as densecrf does.
     */
    public void filter(float[] in, float[] out, int vd) {
        filter(in, out, vd, Parallel.SERIAL);
    }

    /** As {@link #filter(float[], float[], int)} on {@code par}'s threads; the same floats for any count. */
    void filter(float[] in, float[] out, int vd, Parallel par) {
        if (in.length != (long) n * vd || out.length != in.length) {
            throw new IllegalArgumentException("expected " + n + " x " + vd + " values");
        }
        int d1 = d + 1;
        float[] splat = new float[m * vd];
        float[] next = new float[m * vd];
        // splat, gathered per vertex in point order
        par.range(m, (lo, hi) -> {
            for (int v = lo; v < hi; v++) {
                int o = v * vd;
                for (int k = splatStart[v]; k < splatStart[v + 1]; k++) {
                    int e = splatEntry[k];
                    int p = e / d1;
                    float w = weightOf[e];
                    for (int c = 0; c < vd; c++) {
                        splat[o + c] += w * in[p * vd + c];
                    }
                }
            }
        });
        float[] values = splat;
        // blur along each of the d+1 lattice axes with [1/4, 1/2, 1/4]
        for (int j = 0; j < d1; j++) {
            float[] src = values;
            float[] dst = next;
            int axis = j;
            par.range(m, (lo, hi) -> {
                for (int v = lo; v < hi; v++) {
                    int a = neighbours[(axis * m + v) * 2];
                    int b = neighbours[(axis * m + v) * 2 + 1];
                    int o = v * vd;
                    for (int c = 0; c < vd; c++) {
                        float va = a < 0 ? 0f : src[a * vd + c];
                        float vb = b < 0 ? 0f : src[b * vd + c];
                        dst[o + c] = src[o + c] * 0.5f + (va + vb) * 0.25f;
                    }
                }
            });
            values = dst;
            next = src;
        }
        // slice; 1 / (1 + 2^-d) compensates the blur's gain at the centre (Adams et al.)
        float alpha = (float) (1.0 / (1.0 + Math.pow(2, -d)));
        float[] blurred = values;
        par.range(n, (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                for (int c = 0; c < vd; c++) {
                    out[p * vd + c] = 0f;
                }
                for (int r = 0; r < d1; r++) {
                    int o = vertexOf[p * d1 + r] * vd;
                    float w = weightOf[p * d1 + r] * alpha;
                    for (int c = 0; c < vd; c++) {
                        out[p * vd + c] += w * blurred[o + c];
                    }
                }
            }
        });
    }

    /** The filter applied to a constant 1 at every point: the per-point normalizer. */
    public float[] filterOnes() {
        return filterOnes(Parallel.SERIAL);
    }

    float[] filterOnes(Parallel par) {
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        float[] out = new float[n];
        filter(ones, out, 1, par);
        return out;
    }
}
