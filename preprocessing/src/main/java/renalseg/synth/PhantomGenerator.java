package renalseg.synth;

import java.util.SplittableRandom;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * Plausible arterial-phase abdominal CT phantoms with kidney and tumor labels, deterministic for a
 * (seed, case index). Built in canonical RAS orientation (patient right at +x, anterior +y, superior +z)
 * by painting structures in order: air, body (subcutaneous fat around soft tissue), liver, spine, aorta
 * and vena cava, perirenal fat, two bean-shaped kidneys (enhancing cortex brighter than medulla, renal
 * sinus fat at the hilum), a heterogeneous tumor on most cases (partly outside its kidney, sometimes tiny,
 * sometimes none), then Gaussian noise.
 */
public final class PhantomGenerator {

    /** Anatomy sizes below are for this in-plane field of view (mm); SMALL phantoms shrink to theirs. */
    private static final double REFERENCE_FOV_XY = 224.0;
    private static final double REFERENCE_FOV_Z = 175.0;
    private static final double P_NO_TUMOR = 0.15;
    /** SMALL cohorts are few cases (the demo holds out 6): most of them need a tumor to measure. */
    private static final double P_NO_TUMOR_SMALL = 0.08;
    private static final double P_TINY_TUMOR = 0.15;
    private static final double P_SINGLE_KIDNEY_STANDARD = 0.05;
    /** Kidney semi-axes relative to the long (z) semi-axis: 11 x 5.7 x 4.6 cm kidneys. */
    private static final double KIDNEY_RX = 0.52;
    private static final double KIDNEY_RY = 0.42;
    /** Fraction of the ellipsoid left after the hilum notch (measured on voxelized kidneys). */
    private static final double NOTCH_KEEP = 0.93;

    private PhantomGenerator() {
    }

    public static String caseId(int index) {
        return String.format("case_%05d", index);
    }

    public static Phantom generate(long seed, int caseIndex, PhantomSize size) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + caseIndex * 7919L + 17);
        double sxy = 0.6 + 0.2 * rnd.nextDouble();
        double sz = size == PhantomSize.SMALL ? 2.5 + 2.5 * rnd.nextDouble() : 1.0 + 4.0 * rnd.nextDouble();
        int nx = size.nx;
        int ny = size.ny;
        int nz = size.nz > 0 ? size.nz : (int) Math.round((150 + 50 * rnd.nextDouble()) / sz);
        double fovX = nx * sxy;
        double fovY = ny * sxy;
        double fovZ = nz * sz;
        double sc = size == PhantomSize.SMALL ? fovX / REFERENCE_FOV_XY : 1.0;
        double scz = size == PhantomSize.SMALL ? fovZ / REFERENCE_FOV_Z : 1.0;

        double[][] affine = {
            {sxy, 0, 0, -sxy * (nx - 1) / 2.0},
            {0, sxy, 0, -sxy * (ny - 1) / 2.0},
            {0, 0, sz, -sz * (nz - 1) / 2.0},
            {0, 0, 0, 1}};
        Geometry g = new Geometry(nx, ny, nz, new double[] {sxy, sxy, sz}, affine);
        int n = Math.toIntExact(g.voxelCount());
        float[] hu = new float[n];
        byte[] lab = new byte[n];
        java.util.Arrays.fill(hu, -1000f);

        Canvas c = new Canvas(g, hu, lab);
        // Body: an elliptic cylinder filling most of the field of view, air in the corners.
        double bx = 0.49 * fovX;
        double by = 0.43 * fovY;
        double fat = 8 + 10 * rnd.nextDouble();
        c.paintCylinder(0, -0.02 * fovY, bx, by, -100f);
        c.paintCylinder(0, -0.02 * fovY, bx - fat * sc, by - fat * sc, 45f);
        // Liver: upper right, anterior to the right kidney.
        c.paintEllipsoid(new double[] {0.22 * fovX, 0.08 * fovY, 0.42 * fovZ},
            new double[] {0.26 * fovX, 0.28 * fovY, 0.35 * fovZ}, Rot.IDENTITY, 70f + 15f * (float) rnd.nextDouble(), -1);
        // Spine: vertebral body with a cortical rim, posterior elements behind it.
        double spineY = -0.24 * fovY;
        double rv = 15 * sc;
        c.paintCylinder(0, spineY, rv, rv, 700f);
        c.paintCylinder(0, spineY, rv - 2.5 * sc, rv - 2.5 * sc, 230f);
        c.paintCylinder(0, spineY - rv - 9 * sc, 7 * sc, 11 * sc, 450f);
        // Aorta (left of the midline, bright in the arterial phase) and the vena cava (right, not yet enhanced).
        c.paintCylinder(-0.06 * fovX, spineY + rv + 12 * sc, 10 * sc, 10 * sc, 280f + 60f * (float) rnd.nextDouble());
        c.paintCylinder(0.09 * fovX, spineY + rv + 10 * sc, 11 * sc, 8 * sc, 75f);

        boolean single = size == PhantomSize.STANDARD && rnd.nextDouble() < P_SINGLE_KIDNEY_STANDARD;
        int keptSide = rnd.nextInt(2);
        Kidney[] kidneys = new Kidney[2];
        for (int side = 0; side < 2; side++) {
            if (single && side != keptSide) {
                continue;
            }
            // side 0: patient right (+x), side 1: patient left (-x); the right kidney sits a little lower.
            double sign = side == 0 ? 1 : -1;
            double ml = 100 + 150 * rnd.nextDouble();
            double az = Math.cbrt(ml * 1000 / (4.0 / 3 * Math.PI * KIDNEY_RX * KIDNEY_RY * NOTCH_KEEP));
            double[] semi = {az * KIDNEY_RX * sc, az * KIDNEY_RY * sc, az * scz};
            double[] centre = {
                sign * (0.245 * fovX + 4 * sc * (rnd.nextDouble() - 0.5)),
                spineY + 0.06 * fovY + 6 * sc * (rnd.nextDouble() - 0.5),
                (side == 0 ? -0.05 : 0.03) * fovZ + 0.06 * fovZ * (rnd.nextDouble() - 0.5)};
            // Upper poles lean towards the spine; the hilum faces medially and a little forward.
            // (miniatures shrink z less than x: keep the tilt's in-plane footprint in proportion)
            double tilt = Math.atan(Math.tan(Math.toRadians(8 + 10 * rnd.nextDouble())) * sc / scz) * sign;
            double twist = Math.toRadians(20 + 15 * rnd.nextDouble()) * -sign;
            Rot rot = Rot.aboutY(tilt).then(Rot.aboutZ(twist));
            float cortex = 170f + 50f * (float) rnd.nextDouble();
            float medulla = 80f + 30f * (float) rnd.nextDouble();
            kidneys[side] = new Kidney(centre, semi, rot, sign);
            c.paintEllipsoid(centre, scale(semi, 1.35), rot, -90f, -1);
            c.paintKidney(kidneys[side], cortex, medulla);
        }

        boolean tumor = false;
        double tumorMl = 0;
        if (rnd.nextDouble() >= (size == PhantomSize.SMALL ? P_NO_TUMOR_SMALL : P_NO_TUMOR)) {
            int side = single ? keptSide : rnd.nextInt(2);
            Kidney k = kidneys[side];
            // miniatures shrink volumes ~15x: a 2-5 ml tumor would be a few dozen voxels, so SMALL draws none
            boolean tiny = rnd.nextDouble() < P_TINY_TUMOR && size != PhantomSize.SMALL;
            tumorMl = tiny ? 2 + 3 * rnd.nextDouble()
                : Math.exp(Math.log(5) + (Math.log(150) - Math.log(5)) * rnd.nextDouble());
            double r = Math.cbrt(tumorMl * 1000 * 3 / (4 * Math.PI));
            double[] semi = {r * sc * (0.85 + 0.3 * rnd.nextDouble()), r * sc * (0.85 + 0.3 * rnd.nextDouble()),
                r * scz * (0.85 + 0.3 * rnd.nextDouble())};
            // Centre on the kidney surface away from the hilum, pushed inwards by 10-70% of its radius.
            double[] dir = k.lateralDirection(rnd);
            double[] onSurface = k.surfacePoint(dir);
            double push = tumorMl < 5 ? 0.6 + 0.3 * rnd.nextDouble() : 0.1 + 0.6 * rnd.nextDouble();
            double[] inward = k.towardsCentre(onSurface);
            double[] centre = new double[3];
            for (int a = 0; a < 3; a++) {
                centre[a] = onSurface[a] + inward[a] * push * semi[a];
            }
            float base = 50f + 70f * (float) rnd.nextDouble();
            boolean necrotic = tumorMl > 10 && rnd.nextDouble() < 0.5;
            double[][] waves = new double[3][4];
            for (double[] w : waves) {
                w[0] = (0.15 + 0.35 * rnd.nextDouble()) / Math.max(0.3, sc);
                w[1] = rnd.nextDouble() * 2 * Math.PI;
                w[2] = rnd.nextDouble() * 2 * Math.PI;
                w[3] = rnd.nextDouble() * 2 * Math.PI;
            }
            tumor = c.paintTumor(centre, semi, Rot.aboutZ(rnd.nextDouble() * Math.PI), base, necrotic, waves,
                bx - fat * sc, by - fat * sc, -0.02 * fovY);
        }

        double sigma = 10 + 6 * rnd.nextDouble();
        for (int i = 0; i < n; i++) {
            hu[i] = (float) Math.rint(hu[i] + sigma * gaussian(rnd));
        }
        int kidneyCount = single ? 1 : 2;
        return new Phantom(caseId(caseIndex), new ImageVolume(g, hu), new LabelVolume(g, lab), kidneyCount,
            tumor, tumor ? tumorMl * sc * sc * scz : 0);
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller; SplittableRandom has no nextGaussian before Java 17's RandomGenerator default.
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static double[] scale(double[] v, double f) {
        return new double[] {v[0] * f, v[1] * f, v[2] * f};
    }

    /** A rotation (row-major 3x3) from world offsets into a shape's local frame. */
    record Rot(double[] m) {
        static final Rot IDENTITY = new Rot(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1});

        static Rot aboutY(double a) {
            double c = Math.cos(a);
            double s = Math.sin(a);
            return new Rot(new double[] {c, 0, -s, 0, 1, 0, s, 0, c});
        }

        static Rot aboutZ(double a) {
            double c = Math.cos(a);
            double s = Math.sin(a);
            return new Rot(new double[] {c, s, 0, -s, c, 0, 0, 0, 1});
        }

        Rot then(Rot o) {
            double[] r = new double[9];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double s = 0;
                    for (int k = 0; k < 3; k++) {
                        s += o.m[3 * i + k] * m[3 * k + j];
                    }
                    r[3 * i + j] = s;
                }
            }
            return new Rot(r);
        }

        void toLocal(double dx, double dy, double dz, double[] out) {
            out[0] = m[0] * dx + m[1] * dy + m[2] * dz;
            out[1] = m[3] * dx + m[4] * dy + m[5] * dz;
            out[2] = m[6] * dx + m[7] * dy + m[8] * dz;
        }

        /** Local direction back to world (the transpose). */
        double[] toWorld(double[] l) {
            return new double[] {
                m[0] * l[0] + m[3] * l[1] + m[6] * l[2],
                m[1] * l[0] + m[4] * l[1] + m[7] * l[2],
                m[2] * l[0] + m[5] * l[1] + m[8] * l[2]};
        }
    }

    /** A kidney: ellipsoid (semi-axes in its local frame) with a hilum notch on its medial side. */
    record Kidney(double[] centre, double[] semi, Rot rot, double sign) {

        /** Local-frame position of the hilum notch centre (medial = towards -sign in x). */
        double[] hilumLocal() {
            return new double[] {-sign * semi[0] * 0.95, semi[1] * 0.25, 0};
        }

        double hilumRadius() {
            return semi[0] * 0.55;
        }

        /** A unit direction in the local frame, lateral, anterior, posterior or polar, never medial. */
        double[] lateralDirection(SplittableRandom rnd) {
            double[] d;
            do {
                d = new double[] {gaussian(rnd), gaussian(rnd), gaussian(rnd)};
            } while (d[0] * sign < -0.2 * Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]));
            double len = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            return new double[] {d[0] / len, d[1] / len, d[2] / len};
        }

        /** World point on the ellipsoid surface along a local direction. */
        double[] surfacePoint(double[] localDir) {
            double q = 0;
            for (int a = 0; a < 3; a++) {
                q += localDir[a] * localDir[a] / (semi[a] * semi[a]);
            }
            double t = 1 / Math.sqrt(q);
            double[] w = rot.toWorld(new double[] {localDir[0] * t, localDir[1] * t, localDir[2] * t});
            return new double[] {centre[0] + w[0], centre[1] + w[1], centre[2] + w[2]};
        }

        double[] towardsCentre(double[] p) {
            double[] d = {centre[0] - p[0], centre[1] - p[1], centre[2] - p[2]};
            double len = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            return new double[] {d[0] / len, d[1] / len, d[2] / len};
        }
    }

    /** Paints shapes into the canonical arrays; each shape visits only its bounding box. */
    private static final class Canvas {
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
        void paintEllipsoid(double[] c, double[] semi, Rot rot, float value, int label) {
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

        void paintKidney(Kidney kd, float cortex, float medulla) {
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
        boolean paintTumor(double[] c, double[] semi, Rot rot, float base, boolean necrotic, double[][] waves,
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
}
