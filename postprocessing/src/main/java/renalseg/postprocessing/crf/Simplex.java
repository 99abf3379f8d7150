package renalseg.postprocessing.crf;

import java.util.Arrays;

/**
 * Finds the lattice simplex that encloses each point of a {@link PermutohedralLattice} (elevation, nearest
 * remainder-0 point, rank, barycentric weights; Adams et al., section 3.1). Scratch arrays per instance:
 * one instance per thread.
 */
final class Simplex {
    final int d;
    final double[] scale;
    final double[] f;
    final double[] elevated;
    final int[] greedy;
    final int[] rank;
    final double[] bary;
    final int[] key;

    Simplex(int d, double[] scale) {
        this.d = d;
        this.scale = scale;
        f = new double[d];
        elevated = new double[d + 1];
        greedy = new int[d + 1];
        rank = new int[d + 1];
        bary = new double[d + 2];
        key = new int[d];
    }

    /** Points [from, to): their corners' vertices in {@code table}'s numbering, and weights. */
    void embed(int from, int to, PermutohedralLattice.Features features, KeyTable table, int[] vertexOf,
            float[] weightOf) {
        int d1 = d + 1;
        double down = 1.0 / d1;
        for (int p = from; p < to; p++) {
            features.get(p, f);
            // elevate onto the hyperplane sum(x) = 0 of R^{d+1}
            double sm = 0;
            for (int i = d; i > 0; i--) {
                double cf = f[i - 1] * scale[i - 1];
                elevated[i] = sm - i * cf;
                sm += cf;
            }
            elevated[0] = sm;
            // nearest remainder-0 lattice point
            int sum = 0;
            for (int i = 0; i <= d; i++) {
                double v = down * elevated[i];
                double up = Math.ceil(v) * d1;
                double dn = Math.floor(v) * d1;
                greedy[i] = (int) (up - elevated[i] < elevated[i] - dn ? up : dn);
                sum += greedy[i];
            }
            sum /= d1;
            // rank differential to find the permutation between this simplex and the canonical one
            Arrays.fill(rank, 0);
            for (int i = 0; i < d; i++) {
                for (int j = i + 1; j <= d; j++) {
                    if (elevated[i] - greedy[i] < elevated[j] - greedy[j]) {
                        rank[i]++;
                    } else {
                        rank[j]++;
                    }
                }
            }
            if (sum > 0) {
                // sum too large: the point is "above" the hyperplane
                for (int i = 0; i <= d; i++) {
                    if (rank[i] >= d1 - sum) {
                        greedy[i] -= d1;
                        rank[i] += sum - d1;
                    } else {
                        rank[i] += sum;
                    }
                }
            } else if (sum < 0) {
                for (int i = 0; i <= d; i++) {
                    if (rank[i] < -sum) {
                        greedy[i] += d1;
                        rank[i] += d1 + sum;
                    } else {
                        rank[i] += sum;
                    }
                }
            }
            // barycentric coordinates
            Arrays.fill(bary, 0);
            for (int i = 0; i <= d; i++) {
                double t = (elevated[i] - greedy[i]) * down;
                bary[d - rank[i]] += t;
                bary[d + 1 - rank[i]] -= t;
            }
            bary[0] += 1.0 + bary[d + 1];
            // the d+1 simplex corners: greedy + canonical offset of remainder r
            for (int r = 0; r <= d; r++) {
                for (int i = 0; i < d; i++) {
                    key[i] = greedy[i] + (rank[i] <= d - r ? r : r - d1);
                }
                vertexOf[p * d1 + r] = table.insert(key, 0);
                weightOf[p * d1 + r] = (float) bary[r];
            }
        }
    }
}
