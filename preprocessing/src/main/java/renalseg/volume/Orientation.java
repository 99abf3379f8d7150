package renalseg.volume;

/**
 * Orientation of a voxel-to-world affine, as nibabel's {@code io_orientation} / {@code aff2axcodes}:
 * the closest orthogonal matrix to the affine's direction cosines, then, array axis by array axis (the
 * most clearly aligned first), the world axis it is most aligned with (each world axis used once) and the
 * direction along it.
 */
public final class Orientation {

    private static final String[][] LABELS = {{"L", "R"}, {"P", "A"}, {"I", "S"}};

    private Orientation() {
    }

    /**
     * For each array axis a: {@code [a][0]} the world axis (0 = x/R, 1 = y/A, 2 = z/S) and {@code [a][1]}
     * +1 or -1 (the array index increases towards R/A/S, or towards L/P/I); {-1, 0} when the axis has no
     * direction (a singular affine).
     */
    public static int[][] ioOrientation(double[][] affine) {
        double[][] rs = new double[3][3];
        for (int c = 0; c < 3; c++) {
            double n = Math.sqrt(sq(affine[0][c]) + sq(affine[1][c]) + sq(affine[2][c]));
            if (n == 0) {
                n = 1;
            }
            for (int r = 0; r < 3; r++) {
                rs[r][c] = affine[r][c] / n;
            }
        }
        double[][] q = closestOrthogonal(rs);
        int[][] ornt = new int[3][2];
        // nibabel >= 5.3: strongest input axes first (largest |component|, stable on ties), so an axis is
        // labelled the same whatever the storage order
        Integer[] order = {0, 1, 2};
        double[] strength = new double[3];
        for (int a = 0; a < 3; a++) {
            for (int r = 0; r < 3; r++) {
                strength[a] = Math.max(strength[a], q[r][a] * q[r][a]);
            }
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(strength[y], strength[x]));
        for (int a : order) {
            double best = 0;
            int out = -1;
            for (int r = 0; r < 3; r++) {
                if (Math.abs(q[r][a]) > best + 1e-12) {
                    best = Math.abs(q[r][a]);
                    out = r;
                }
            }
            if (out < 0 || best < 1e-8) {
                ornt[a][0] = -1;
                ornt[a][1] = 0;
                continue;
            }
            ornt[a][0] = out;
            ornt[a][1] = q[out][a] < 0 ? -1 : 1;
            for (int c = 0; c < 3; c++) {
                q[out][c] = 0; // that world axis is taken
            }
        }
        return ornt;
    }

    /** Orientation codes, e.g. "RAS", "LPS", "IPL" (KiTS19); "?" for an axis without direction. */
    public static String axcodes(double[][] affine) {
        int[][] o = ioOrientation(affine);
        StringBuilder sb = new StringBuilder(3);
        for (int[] ax : o) {
            sb.append(ax[0] < 0 ? "?" : LABELS[ax[0]][ax[1] > 0 ? 1 : 0]);
        }
        return sb.toString();
    }

    /**
     * The orthogonal polar factor of m (the orthogonal matrix nearest to it, which nibabel gets from an
     * SVD), by Newton's iteration X <- (X + X^-T) / 2. A singular m is returned as it is.
     */
    static double[][] closestOrthogonal(double[][] m) {
        double[][] x = copy(m);
        for (int it = 0; it < 100; it++) {
            double det = det(x);
            if (Math.abs(det) < 1e-10) {
                return copy(m);
            }
            double[][] invT = inverseTranspose(x, det);
            double diff = 0;
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    double v = 0.5 * (x[r][c] + invT[r][c]);
                    diff = Math.max(diff, Math.abs(v - x[r][c]));
                    x[r][c] = v;
                }
            }
            if (diff < 1e-14) {
                break;
            }
        }
        return x;
    }

    private static double[][] inverseTranspose(double[][] a, double det) {
        // cofactor matrix / det = inverse transpose
        double[][] c = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int k = 0; k < 3; k++) {
                int r1 = (r + 1) % 3;
                int r2 = (r + 2) % 3;
                int k1 = (k + 1) % 3;
                int k2 = (k + 2) % 3;
                c[r][k] = (a[r1][k1] * a[r2][k2] - a[r1][k2] * a[r2][k1]) / det;
            }
        }
        return c;
    }

    static double det(double[][] a) {
        return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
            - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    }

    private static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    private static double sq(double v) {
        return v * v;
    }
}
