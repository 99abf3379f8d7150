package renalseg.metrics;

import java.util.Arrays;

/**
 * Exact Euclidean distance transform on an anisotropic grid (Felzenszwalb and Huttenlocher, "Distance
 * transforms of sampled functions", 2012): three separable passes of the 1D lower envelope of parabolas,
 * linear in the voxel count. Layout as {@link renalseg.volume.Geometry}: index {@code x + nx * (y + ny * z)}.
 */
public final class DistanceTransform {

    private DistanceTransform() {
    }

    /**
     * Squared distance (in the units of the spacing) from every voxel centre to the nearest voxel centre with
     * {@code sites[v]} true; +infinity everywhere when there is no site.
     */
    public static double[] squared(boolean[] sites, int nx, int ny, int nz, double sx, double sy, double sz) {
        long n = (long) nx * ny * nz;
        if (sites.length != n) {
            throw new IllegalArgumentException("mask of " + sites.length + " voxels is not " + nx + "x" + ny + "x" + nz);
        }
        double[] d = new double[sites.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = sites[i] ? 0.0 : Double.POSITIVE_INFINITY;
        }
        int maxLen = Math.max(nx, Math.max(ny, nz));
        Line line = new Line(maxLen);
        // axis 0 (x): contiguous lines
        for (int yz = 0; yz < ny * nz; yz++) {
            line.transform(d, yz * nx, 1, nx, sx);
        }
        // axis 1 (y)
        for (int z = 0; z < nz; z++) {
            for (int x = 0; x < nx; x++) {
                line.transform(d, x + nx * ny * z, nx, ny, sy);
            }
        }
        // axis 2 (z)
        int slice = nx * ny;
        for (int xy = 0; xy < slice; xy++) {
            line.transform(d, xy, slice, nz, sz);
        }
        return d;
    }

    /** Scratch space for the 1D transform, reused across lines. */
    private static final class Line {
        final double[] f;
        final double[] out;
        final int[] v;
        final double[] z;

        Line(int n) {
            f = new double[n];
            out = new double[n];
            v = new int[n];
            z = new double[n + 1];
        }

        /**
         * In place on d[start + i * stride], i < n: out(i) = min_q (s (i - q))^2 + f(q). Samples at +infinity
         * are not parabolas and are skipped, so a line without finite samples stays +infinity.
         */
        void transform(double[] d, int start, int stride, int n, double s) {
            int k = -1;
            for (int i = 0; i < n; i++) {
                double fi = d[start + i * stride];
                f[i] = fi;
                if (fi == Double.POSITIVE_INFINITY) {
                    continue;
                }
                if (k < 0) {
                    k = 0;
                    v[0] = i;
                    z[0] = Double.NEGATIVE_INFINITY;
                    z[1] = Double.POSITIVE_INFINITY;
                    continue;
                }
                double pi = s * i;
                double meet;
                while (true) {
                    int r = v[k];
                    double pr = s * r;
                    // where the parabolas of sites r and i meet, in position units
                    meet = ((fi - f[r]) / (pi - pr) + (pi + pr)) / 2;
                    if (meet <= z[k]) {
                        k--;     // never below 0: z[0] is -infinity
                    } else {
                        break;
                    }
                }
                k++;
                v[k] = i;
                z[k] = meet;
                z[k + 1] = Double.POSITIVE_INFINITY;
            }
            if (k < 0) {
                return;     // no site on this line: stays +infinity
            }
            int j = 0;
            for (int i = 0; i < n; i++) {
                double pi = s * i;
                while (z[j + 1] < pi) {
                    j++;
                }
                double dd = s * (i - v[j]);
                out[i] = dd * dd + f[v[j]];
            }
            for (int i = 0; i < n; i++) {
                d[start + i * stride] = out[i];
            }
        }
    }

    /** Convenience for tests and callers that need plain distances. */
    public static double[] distances(boolean[] sites, int nx, int ny, int nz, double sx, double sy, double sz) {
        double[] d = squared(sites, nx, ny, nz, sx, sy, sz);
        Arrays.setAll(d, i -> Math.sqrt(d[i]));
        return d;
    }
}
