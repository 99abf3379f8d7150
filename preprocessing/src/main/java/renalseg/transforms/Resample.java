package renalseg.transforms;

import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * Resampling to a target spacing: trilinear for images, nearest neighbour for label maps going forward
 * (training labels must stay exactly the classes painted, and an integer up-factor and back is exact).
 * Results go back to an image's own grid by {@link #argmaxOnto} (class probabilities, or a label map as
 * one-hot masks, interpolated trilinearly, then the argmax). The first voxel's centre stays where it is;
 * the new shape is round(n * old / new) per axis (at least 1), as nnU-Net sizes resampled volumes.
 * Positions past the last source voxel take the edge value. A target equal to the current spacing returns
 * the volume itself, so "resampling" to the image's own spacing changes no bit.
 */
public final class Resample {

    private Resample() {
    }

    public static Geometry target(Geometry g, double[] spacing) {
        double[] old = g.spacing();
        int[] n = g.shape();
        int[] m = new int[3];
        double[][] a = g.affine();
        for (int ax = 0; ax < 3; ax++) {
            m[ax] = Math.max(1, (int) Math.round(n[ax] * old[ax] / spacing[ax]));
            double f = spacing[ax] / old[ax];
            for (int r = 0; r < 3; r++) {
                a[r][ax] *= f;
            }
        }
        return new Geometry(m[0], m[1], m[2], spacing.clone(), a);
    }

    /** Whether {@code spacing} is the grid's own (exactly: then nothing is resampled). */
    public static boolean isIdentity(Geometry g, double[] spacing) {
        return java.util.Arrays.equals(g.spacing(), spacing);
    }

    public static ImageVolume image(ImageVolume v, double[] spacing) {
        if (isIdentity(v.geometry(), spacing)) {
            return v;
        }
        Geometry g = v.geometry();
        Geometry t = target(g, spacing);
        double[] f = ratio(g, spacing);
        float[] src = v.voxels();
        float[] out = new float[Math.toIntExact(t.voxelCount())];
        int nx = g.nx();
        int ny = g.ny();
        int idx = 0;
        for (int k = 0; k < t.nz(); k++) {
            double z = Math.min(k * f[2], g.nz() - 1);
            int z0 = (int) Math.floor(z);
            int z1 = Math.min(z0 + 1, g.nz() - 1);
            double wz = z - z0;
            for (int j = 0; j < t.ny(); j++) {
                double y = Math.min(j * f[1], ny - 1);
                int y0 = (int) Math.floor(y);
                int y1 = Math.min(y0 + 1, ny - 1);
                double wy = y - y0;
                for (int i = 0; i < t.nx(); i++) {
                    double x = Math.min(i * f[0], nx - 1);
                    int x0 = (int) Math.floor(x);
                    int x1 = Math.min(x0 + 1, nx - 1);
                    double wx = x - x0;
                    double c00 = lerp(src[x0 + nx * (y0 + ny * z0)], src[x1 + nx * (y0 + ny * z0)], wx);
                    double c10 = lerp(src[x0 + nx * (y1 + ny * z0)], src[x1 + nx * (y1 + ny * z0)], wx);
                    double c01 = lerp(src[x0 + nx * (y0 + ny * z1)], src[x1 + nx * (y0 + ny * z1)], wx);
                    double c11 = lerp(src[x0 + nx * (y1 + ny * z1)], src[x1 + nx * (y1 + ny * z1)], wx);
                    out[idx++] = (float) lerp(lerp(c00, c10, wy), lerp(c01, c11, wy), wz);
                }
            }
        }
        return new ImageVolume(t, out);
    }

    public static LabelVolume labels(LabelVolume v, double[] spacing) {
        if (isIdentity(v.geometry(), spacing)) {
            return v;
        }
        Geometry g = v.geometry();
        Geometry t = target(g, spacing);
        double[] f = ratio(g, spacing);
        byte[] src = v.labels();
        byte[] out = new byte[Math.toIntExact(t.voxelCount())];
        int idx = 0;
        for (int k = 0; k < t.nz(); k++) {
            int z = Math.min((int) Math.round(k * f[2]), g.nz() - 1);
            for (int j = 0; j < t.ny(); j++) {
                int y = Math.min((int) Math.round(j * f[1]), g.ny() - 1);
                for (int i = 0; i < t.nx(); i++) {
                    int x = Math.min((int) Math.round(i * f[0]), g.nx() - 1);
                    out[idx++] = src[g.index(x, y, z)];
                }
            }
        }
        return new LabelVolume(t, out);
    }

    private static double[] ratio(Geometry g, double[] spacing) {
        double[] old = g.spacing();
        return new double[] {spacing[0] / old[0], spacing[1] / old[1], spacing[2] / old[2]};
    }

    private static double lerp(double a, double b, double w) {
        return a + (b - a) * w;
    }

    /**
     * Labels back onto a given grid (nearest neighbour): the inverse of {@link #labels} when {@code target} is
     * the grid resampled from (both keep the first voxel's centre).
     */
    public static LabelVolume labelsOnto(LabelVolume v, Geometry target) {
        Geometry g = v.geometry();
        double[] gs = g.spacing();
        double[] ts = target.spacing();
        double[] f = {ts[0] / gs[0], ts[1] / gs[1], ts[2] / gs[2]};
        byte[] src = v.labels();
        byte[] out = new byte[Math.toIntExact(target.voxelCount())];
        int idx = 0;
        for (int k = 0; k < target.nz(); k++) {
            int z = Math.min((int) Math.round(k * f[2]), g.nz() - 1);
            for (int j = 0; j < target.ny(); j++) {
                int y = Math.min((int) Math.round(j * f[1]), g.ny() - 1);
                for (int i = 0; i < target.nx(); i++) {
                    int x = Math.min((int) Math.round(i * f[0]), g.nx() - 1);
                    out[idx++] = src[g.index(x, y, z)];
                }
            }
        }
        return new LabelVolume(target, out);
    }

    /**
     * A label map onto another grid of the same scan (the grid it was resampled from or to), the way
     * nnU-Net takes segmentations between spacings: each class's one-hot mask is interpolated trilinearly
     * and every voxel takes the class with the largest weight (ties to the higher class, as nnU-Net's
     * per-class "mask >= 0.5" pass in label order does). Nearest neighbour would copy each coarse voxel into
     * a block of fine ones: 5 mm slices taken back to 1 mm come out as 5-voxel staircases, and the
     * interpolated masks put the boundary between two slices where the classes meet instead.
     */
    public static LabelVolume argmaxOnto(LabelVolume v, int classes, Geometry target) {
        byte[] src = v.labels();
        return argmaxOnto(v.geometry(), target, classes, (idx, w, acc) -> acc[src[idx] & 0xff] += w,
            idx -> src[idx] & 0xff);
    }

    /**
     * Class probabilities (or logits) on grid {@code from}, class-major ({@code [classes][voxels]}, x
     * fastest), onto {@code target}: each class interpolated trilinearly, then the argmax. Interpolating
     * the probabilities rather than the argmax labels keeps the partial evidence between voxels, which is
     * why nnU-Net exports softmax outputs this way.
     */
    public static LabelVolume argmaxOnto(float[] probabilities, int classes, Geometry from, Geometry target) {
        int n = Math.toIntExact(from.voxelCount());
        if (probabilities.length != (long) classes * n) {
            throw new IllegalArgumentException("expected " + classes + " x " + n + " probabilities, got "
                + probabilities.length);
        }
        return argmaxOnto(from, target, classes, (idx, w, acc) -> {
            for (int c = 0; c < classes; c++) {
                acc[c] += w * probabilities[c * n + idx];
            }
        }, null);
    }

    private interface Accumulate {
        void add(int sourceIndex, double weight, double[] acc);
    }

    private interface LabelAt {
        int label(int sourceIndex);
    }

    private static LabelVolume argmaxOnto(Geometry g, Geometry target, int classes, Accumulate add, LabelAt labelAt) {
        if (classes < 1 || classes > 127) {
            throw new IllegalArgumentException("classes must be in [1, 127], not " + classes);
        }
        Axis ax = Axis.of(g.nx(), g.spacing()[0], target.nx(), target.spacing()[0]);
        Axis ay = Axis.of(g.ny(), g.spacing()[1], target.ny(), target.spacing()[1]);
        Axis az = Axis.of(g.nz(), g.spacing()[2], target.nz(), target.spacing()[2]);
        int nx = g.nx();
        int ny = g.ny();
        byte[] out = new byte[Math.toIntExact(target.voxelCount())];
        double[] acc = new double[classes];
        int[] idx = new int[8];
        double[] w = new double[8];
        int o = 0;
        for (int k = 0; k < target.nz(); k++) {
            for (int j = 0; j < target.ny(); j++) {
                for (int i = 0; i < target.nx(); i++, o++) {
                    int c = 0;
                    for (int dz = 0; dz < 2; dz++) {
                        int z = dz == 0 ? az.lo[k] : az.hi[k];
                        double wz = dz == 0 ? 1 - az.w[k] : az.w[k];
                        for (int dy = 0; dy < 2; dy++) {
                            int y = dy == 0 ? ay.lo[j] : ay.hi[j];
                            double wy = dy == 0 ? 1 - ay.w[j] : ay.w[j];
                            for (int dx = 0; dx < 2; dx++, c++) {
                                idx[c] = (dx == 0 ? ax.lo[i] : ax.hi[i]) + nx * (y + ny * z);
                                w[c] = wz * wy * (dx == 0 ? 1 - ax.w[i] : ax.w[i]);
                            }
                        }
                    }
                    if (labelAt != null) {
                        // most voxels lie where all eight neighbours agree: no arithmetic needed there
                        int l0 = labelAt.label(idx[0]);
                        boolean same = true;
                        for (int q = 1; q < 8 && same; q++) {
                            same = labelAt.label(idx[q]) == l0;
                        }
                        if (same) {
                            out[o] = (byte) l0;
                            continue;
                        }
                    }
                    java.util.Arrays.fill(acc, 0);
                    for (int q = 0; q < 8; q++) {
                        if (w[q] != 0) {
                            add.add(idx[q], w[q], acc);
                        }
                    }
                    int best = 0;
                    for (int cl = 1; cl < classes; cl++) {
                        if (acc[cl] >= acc[best]) {
                            best = cl;
                        }
                    }
                    out[o] = (byte) best;
                }
            }
        }
        return new LabelVolume(target, out);
    }

    /** Per target index along one axis: the two source neighbours and the weight of the upper one. */
    private record Axis(int[] lo, int[] hi, double[] w) {
        static Axis of(int n, double sourceSpacing, int m, double targetSpacing) {
            int[] lo = new int[m];
            int[] hi = new int[m];
            double[] w = new double[m];
            double f = targetSpacing / sourceSpacing;
            for (int i = 0; i < m; i++) {
                double x = Math.min(i * f, n - 1);
                lo[i] = (int) Math.floor(x);
                hi[i] = Math.min(lo[i] + 1, n - 1);
                w[i] = x - lo[i];
            }
            return new Axis(lo, hi, w);
        }
    }
}
