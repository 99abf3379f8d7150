package renalseg.transforms;

import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * Resampling to a target spacing: trilinear for images, nearest neighbour for labels. The first voxel's
 * centre stays where it is; the new shape is round(n * old / new) per axis (at least 1), as nnU-Net
 * sizes resampled volumes. Positions past the last source voxel take the edge value.
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

    public static ImageVolume image(ImageVolume v, double[] spacing) {
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
}
