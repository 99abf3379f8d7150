package renalseg.synth;

import renalseg.volume.Geometry;

/** Paints shapes into the canonical arrays; each shape visits only its bounding box. */
final class Canvas {
    private final Geometry g;
    private final float[] hu;
    private final byte[] lab;
    private final double[] sp;
    private final double[] origin;

    Canvas(Geometry g, float[] hu, byte[] lab) {
        this.g = g;
        this.hu = hu;
        this.lab = lab;
        this.sp = g.spacing();
        this.origin = new double[] {g.affine()[0][3], g.affine()[1][3], g.affine()[2][3]};
    }

    private int lo(int axis, double world) {
        return Math.max(0, (int) Math.floor((world - origin[axis]) / sp[axis]));
    }

    private int hi(int axis, double world, int n) {
        return Math.min(n - 1, (int) Math.ceil((world - origin[axis]) / sp[axis]));
    }

    private double w(int axis, int idx) {
        return origin[axis] + idx * sp[axis];
    }

    void paintCylinder(double cx, double cy, double rx, double ry, float value) {
        for (int k = 0; k < g.nz(); k++) {
            for (int j = lo(1, cy - ry); j <= hi(1, cy + ry, g.ny()); j++) {
                double dy = (w(1, j) - cy) / ry;
                for (int i = lo(0, cx - rx); i <= hi(0, cx + rx, g.nx()); i++) {
                    double dx = (w(0, i) - cx) / rx;
                    if (dx * dx + dy * dy <= 1) {
                        hu[g.index(i, j, k)] = value;
                    }
                }
            }
        }
    }

    /** Paints an ellipsoid; label >= 0 also sets the label. */
    void paintEllipsoid(double[] c, double[] semi, PhantomGenerator.Rot rot, float value, int label) {
        double r = Math.max(semi[0], Math.max(semi[1], semi[2]));
        double[] l = new double[3];
        for (int k = lo(2, c[2] - r); k <= hi(2, c[2] + r, g.nz()); k++) {
            for (int j = lo(1, c[1] - r); j <= hi(1, c[1] + r, g.ny()); j++) {
                for (int i = lo(0, c[0] - r); i <= hi(0, c[0] + r, g.nx()); i++) {
                    rot.toLocal(w(0, i) - c[0], w(1, j) - c[1], w(2, k) - c[2], l);
                    double q = sq(l[0] / semi[0]) + sq(l[1] / semi[1]) + sq(l[2] / semi[2]);
                    if (q <= 1) {
                        int idx = g.index(i, j, k);
                        hu[idx] = value;
                        if (label >= 0) {
                            lab[idx] = (byte) label;
                        }
                    }
                }
            }
        }
    }

    void paintKidney(PhantomGenerator.Kidney kd, float cortex, float medulla) {
        double[] c = kd.centre();
        double[] semi = kd.semi();
        double[] hil = kd.hilumLocal();
        double hr = kd.hilumRadius();
        double r = Math.max(semi[0], Math.max(semi[1], semi[2]));
        double[] l = new double[3];
        for (int k = lo(2, c[2] - r); k <= hi(2, c[2] + r, g.nz()); k++) {
            for (int j = lo(1, c[1] - r); j <= hi(1, c[1] + r, g.ny()); j++) {
                for (int i = lo(0, c[0] - r); i <= hi(0, c[0] + r, g.nx()); i++) {
                    kd.rot().toLocal(w(0, i) - c[0], w(1, j) - c[1], w(2, k) - c[2], l);
                    double q = sq(l[0] / semi[0]) + sq(l[1] / semi[1]) + sq(l[2] / semi[2]);
                    if (q > 1) {
                        continue;
                    }
                    int idx = g.index(i, j, k);
                    double h = sq((l[0] - hil[0]) / hr) + sq((l[1] - hil[1]) / hr) + sq(l[2] / (1.6 * hr));
                    if (h <= 1) {
                        hu[idx] = -60f; // renal sinus fat: not kidney
                        continue;
                    }
                    // Medulla: pyramids deep to the cortex, lobulated along the long axis.
                    double lobes = 0.08 * Math.cos(l[2] / semi[2] * 5 * Math.PI);
                    hu[idx] = q < 0.45 + lobes ? medulla : cortex;
                    lab[idx] = 1;
                }
            }
        }
    }

    /** Paints a tumor inside the body; returns whether any voxel was labelled. */
    boolean paintTumor(double[] c, double[] semi, PhantomGenerator.Rot rot, float base, boolean necrotic, double[][] waves,
                       double bodyRx, double bodyRy, double bodyCy) {
        double r = Math.max(semi[0], Math.max(semi[1], semi[2]));
        double[] l = new double[3];
        boolean any = false;
        for (int k = lo(2, c[2] - r); k <= hi(2, c[2] + r, g.nz()); k++) {
            for (int j = lo(1, c[1] - r); j <= hi(1, c[1] + r, g.ny()); j++) {
                for (int i = lo(0, c[0] - r); i <= hi(0, c[0] + r, g.nx()); i++) {
                    double x = w(0, i);
                    double y = w(1, j);
                    if (sq(x / bodyRx) + sq((y - bodyCy) / bodyRy) > 1) {
                        continue;
                    }
                    rot.toLocal(x - c[0], y - c[1], w(2, k) - c[2], l);
                    double q = sq(l[0] / semi[0]) + sq(l[1] / semi[1]) + sq(l[2] / semi[2]);
                    if (q > 1) {
                        continue;
                    }
                    double tex = 0;
                    for (double[] wv : waves) {
                        tex += Math.cos(wv[0] * l[0] + wv[1]) * Math.cos(wv[0] * l[1] + wv[2])
                            * Math.cos(wv[0] * l[2] + wv[3]);
                    }
                    double v = base + 22 * tex;
                    if (necrotic && q < 0.3) {
                        v = 15 + 10 * tex;
                    }
                    int idx = g.index(i, j, k);
                    hu[idx] = (float) v;
                    lab[idx] = 2;
                    any = true;
                }
            }
        }
        return any;
    }

    private static double sq(double v) {
        return v * v;
    }
}
