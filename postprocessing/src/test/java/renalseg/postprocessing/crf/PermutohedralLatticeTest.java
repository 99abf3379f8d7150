package renalseg.postprocessing.crf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The lattice against a brute-force Gaussian filter (all pairs), compared on normalized outputs
 * (sum_j k_ij v_j / sum_j k_ij), which is what the CRF uses: the lattice's unnormalized output carries a
 * constant gain from splatting and blurring that the normalization removes.
 *
 * <p>Tolerance, and why: the lattice replaces exp(-|df|^2/2) by a splat-blur-slice kernel that is piecewise
 * linear in barycentric coordinates and only approximately Gaussian (Adams et al. 2010, section 4, describe
 * it as an approximation whose error does not vanish with more points). For values in [0, 1] the error of a
 * normalized output is at most the total-variation distance between the two normalized weight
 * distributions, so it is bounded by 1 and does not grow with the volume; it is largest when the bandwidth
 * is close to the grid spacing (few neighbours, lattice cells coarse relative to the data). On the volumes
 * below (spatial bandwidths 1.5-4 mm on 0.7-2.5 mm voxels) we measured mean absolute errors of 0.0016-0.0043
 * and maxima of 0.010-0.022; the test allows mean 0.01 and max 0.05, about twice that. (With bandwidths
 * below one voxel on every axis and noisy 4-D features we saw maxima of about 0.2.)
 */
class PermutohedralLatticeTest {

    private static final int NX = 11;
    private static final int NY = 10;
    private static final int NZ = 7;

    private record Errors(double mean, double max) {
    }

    /** Features: voxel centre in mm / bandwidth, optionally an intensity / its bandwidth. */
    private static double[][] features(double[] spacing, double bandwidthMm, float[] intensity, double bandI) {
        int n = NX * NY * NZ;
        int d = intensity == null ? 3 : 4;
        double[][] f = new double[n][d];
        for (int z = 0; z < NZ; z++) {
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++) {
                    int i = x + NX * (y + NY * z);
                    f[i][0] = x * spacing[0] / bandwidthMm;
                    f[i][1] = y * spacing[1] / bandwidthMm;
                    f[i][2] = z * spacing[2] / bandwidthMm;
                    if (intensity != null) {
                        f[i][3] = intensity[i] / bandI;
                    }
                }
            }
        }
        return f;
    }

    /** Normalized lattice output vs normalized brute force with kernel exp(-|df|^2 / (2 sd^2)), per channel. */
    private static Errors compare(double[][] f, float[] values, int vd, double sd) {
        int n = f.length;
        int d = f[0].length;
        PermutohedralLattice lattice = PermutohedralLattice.build(n, d, (i, out) -> System.arraycopy(f[i], 0, out, 0, d));
        float[] out = new float[n * vd];
        lattice.filter(values, out, vd);
        float[] norm = lattice.filterOnes();
        double sum = 0;
        double max = 0;
        for (int i = 0; i < n; i++) {
            double[] acc = new double[vd];
            double w = 0;
            for (int j = 0; j < n; j++) {
                double dd = 0;
                for (int k = 0; k < d; k++) {
                    double t = f[i][k] - f[j][k];
                    dd += t * t;
                }
                double kij = Math.exp(-dd / (2 * sd * sd));
                w += kij;
                for (int c = 0; c < vd; c++) {
                    acc[c] += kij * values[j * vd + c];
                }
            }
            for (int c = 0; c < vd; c++) {
                double e = Math.abs(out[i * vd + c] / norm[i] - acc[c] / w);
                sum += e;
                max = Math.max(max, e);
            }
        }
        return new Errors(sum / (n * vd), max);
    }

    private static float[] randomValues(Random rnd, int count) {
        float[] v = new float[count];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextFloat();
        }
        return v;
    }

    @Test
    void spatialFilterAgreesWithBruteForce() {
        Random rnd = new Random(11);
        double[] spacing = {0.8, 0.7, 2.5};
        for (double bw : new double[] {1.5, 3.0}) {
            double[][] f = features(spacing, bw, null, 0);
            Errors e = compare(f, randomValues(rnd, f.length * 3), 3, 1.0);
            assertTrue(e.mean() < 0.01 && e.max() < 0.05, "bandwidth " + bw + " mm: " + e);
        }
    }

    @Test
    void bilateralFilterAgreesWithBruteForce() {
        Random rnd = new Random(12);
        double[] spacing = {0.8, 0.8, 2.5};
        int n = NX * NY * NZ;
        // two intensity regions with noise, as CT around an organ border
        float[] intensity = new float[n];
        for (int i = 0; i < n; i++) {
            intensity[i] = (float) ((i % NX < NX / 2 ? 40 : 160) + 10 * rnd.nextGaussian());
        }
        for (double bw : new double[] {2.0, 4.0}) {
            double[][] f = features(spacing, bw, intensity, 20);
            Errors e = compare(f, randomValues(rnd, n * 2), 2, 1.0);
            assertTrue(e.mean() < 0.01 && e.max() < 0.05, "bandwidth " + bw + " mm: " + e);
        }
    }

    @Test
    void kernelWidthIsCalibratedToUnitStandardDeviation() {
        // the lattice agrees with sd = 1 better than with a kernel 40% narrower or 60% wider
        Random rnd = new Random(13);
        double[][] f = features(new double[] {1, 1, 1}, 2.0, null, 0);
        float[] v = randomValues(rnd, f.length);
        double right = compare(f, v, 1, 1.0).mean();
        assertTrue(right < compare(f, v, 1, 0.6).mean(), "narrower kernel fits better");
        assertTrue(right < compare(f, v, 1, 1.6).mean(), "wider kernel fits better");
    }

    @Test
    void constantsStayConstantAndFarPointsDoNotMix() {
        // two clusters 100 standard deviations apart: each point's normalized output is its cluster's mean
        int n = 8;
        double[][] f = new double[n][2];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            f[i][0] = (i < 4 ? 0 : 100) + 0.01 * i;
            f[i][1] = 0.02 * i;
            v[i] = i < 4 ? 0.25f : 0.75f;
        }
        PermutohedralLattice l = PermutohedralLattice.build(n, 2, (i, out) -> System.arraycopy(f[i], 0, out, 0, 2));
        float[] out = new float[n];
        l.filter(v, out, 1);
        float[] norm = l.filterOnes();
        for (int i = 0; i < n; i++) {
            assertEquals(v[i], out[i] / norm[i], 1e-6, "point " + i);
        }
    }
}
