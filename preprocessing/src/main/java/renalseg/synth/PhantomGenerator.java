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

    /** STANDARD cases have at most this many slices unless asked for more (thin slices only where they fit). */
    public static final int DEFAULT_MAX_SLICES = 240;
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

    /** CLINICAL: the slice counts of a clinical abdominal scan (bench case). */
    static final int CLINICAL_MIN_SLICES = 100;
    static final int CLINICAL_MAX_SLICES = 300;

    public static Phantom generate(long seed, int caseIndex, PhantomSize size) {
        return generate(seed, caseIndex, size, DEFAULT_MAX_SLICES);
    }

    /**
     * @param maxSlices STANDARD: the most slices a case may have (30-600; thin slices are drawn only where
     *                  they fit); SMALL ignores it
     */
    public static Phantom generate(long seed, int caseIndex, PhantomSize size, int maxSlices) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + caseIndex * 7919L + 17);
        boolean std = size == PhantomSize.STANDARD || size == PhantomSize.CLINICAL;
        // STANDARD draws its acquisition and build from a stream of its own: SMALL cohorts stay as they were
        Variation var = size == PhantomSize.CLINICAL ? Variation.draw(rnd.split(), CLINICAL_MIN_SLICES, CLINICAL_MAX_SLICES)
            : std ? Variation.draw(rnd.split(), maxSlices) : null;
        double sxy = std ? var.fovXy() / Variation.MATRIX : 0.6 + 0.2 * rnd.nextDouble();
        double sz = std ? var.sliceMm() : 2.5 + 2.5 * rnd.nextDouble();
        int nx = size.nx;
        int ny = size.ny;
        int nz = std ? var.slices() : size.nz;
        double fovX = nx * sxy;
        double fovY = ny * sxy;
        double fovZ = nz * sz;
        double sc = size == PhantomSize.SMALL ? fovX / REFERENCE_FOV_XY : 1.0;
        double scz = size == PhantomSize.SMALL ? fovZ / REFERENCE_FOV_Z : 1.0;
        // organ positions scale with an anatomical frame: the field of view for miniatures, the patient's
        // build for STANDARD (whose field of view leaves air around the body); z positions with 175 mm
        double ax = std ? var.frameXy() : fovX;
        double ay = std ? var.frameXy() : fovY;
        double az = std ? REFERENCE_FOV_Z : fovZ;
        double z0 = std ? var.zOffset() : 0;
        Variation.Phase phase = std ? var.phase() : Variation.Phase.ARTERIAL;
        SplittableRandom vr = std ? rnd.split() : null;

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
        double extra = std ? var.extraFat() : 0;
        double bx = 0.49 * ax + extra;
        double by = 0.43 * ay + 0.8 * extra;
        double fat = 8 + 10 * rnd.nextDouble() + extra;
        c.paintCylinder(0, -0.02 * ay, bx, by, -100f);
        c.paintCylinder(0, -0.02 * ay, bx - fat * sc, by - fat * sc, 45f);
        // Liver: upper right, anterior to the right kidney.
        float liverHu = 70f + 15f * (float) rnd.nextDouble();
        c.paintEllipsoid(new double[] {0.22 * ax, 0.08 * ay, 0.42 * az + z0},
            new double[] {0.26 * ax, 0.28 * ay, 0.35 * az}, Rot.IDENTITY, std ? Variation.Phase.draw(phase.liver, vr)
                : liverHu, -1);
        // Spine: vertebral body with a cortical rim, posterior elements behind it.
        double spineY = -0.24 * ay;
        double rv = 15 * sc;
        c.paintCylinder(0, spineY, rv, rv, 700f);
        c.paintCylinder(0, spineY, rv - 2.5 * sc, rv - 2.5 * sc, 230f);
        c.paintCylinder(0, spineY - rv - 9 * sc, 7 * sc, 11 * sc, 450f);
        // Aorta (left of the midline, bright in the arterial phase) and the vena cava (right, not yet enhanced).
        float aortaHu = 280f + 60f * (float) rnd.nextDouble();
        c.paintCylinder(-0.06 * ax, spineY + rv + 12 * sc, 10 * sc, 10 * sc, std ? Variation.Phase.draw(phase.aorta, vr)
            : aortaHu);
        c.paintCylinder(0.09 * ax, spineY + rv + 10 * sc, 11 * sc, 8 * sc, std ? Variation.Phase.draw(phase.cava, vr)
            : 75f);

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
            if (std) {
                ml = 80 + 200 * vr.nextDouble();
            }
            double semiZ = Math.cbrt(ml * 1000 / (4.0 / 3 * Math.PI * KIDNEY_RX * KIDNEY_RY * NOTCH_KEEP));
            double[] semi = {semiZ * KIDNEY_RX * sc, semiZ * KIDNEY_RY * sc, semiZ * scz};
            double[] centre = {
                sign * (0.245 * ax + 4 * sc * (rnd.nextDouble() - 0.5)),
                spineY + 0.06 * ay + 6 * sc * (rnd.nextDouble() - 0.5),
                (side == 0 ? -0.05 : 0.03) * az + 0.06 * az * (rnd.nextDouble() - 0.5) + z0};
            if (std) {
                // real kidneys sit 10-20 mm further apart or closer, higher or lower than the average
                centre[0] += sign * 16 * (vr.nextDouble() - 0.5);
                centre[1] += 12 * (vr.nextDouble() - 0.5);
                centre[2] += 30 * (vr.nextDouble() - 0.5);
            }
            // Upper poles lean towards the spine; the hilum faces medially and a little forward.
            // (miniatures shrink z less than x: keep the tilt's in-plane footprint in proportion)
            double tilt = Math.atan(Math.tan(Math.toRadians(8 + 10 * rnd.nextDouble())) * sc / scz) * sign;
            double twist = Math.toRadians(20 + 15 * rnd.nextDouble()) * -sign;
            if (std) {
                tilt = Math.toRadians(3 + 22 * vr.nextDouble()) * sign;
                twist = Math.toRadians(10 + 35 * vr.nextDouble()) * -sign;
            }
            Rot rot = Rot.aboutY(tilt).then(Rot.aboutZ(twist));
            float cortex = 170f + 50f * (float) rnd.nextDouble();
            float medulla = 80f + 30f * (float) rnd.nextDouble();
            if (std) {
                cortex = Variation.Phase.draw(phase.cortex, vr);
                medulla = Math.min(cortex, Variation.Phase.draw(phase.medulla, vr));
            }
            kidneys[side] = new Kidney(centre, semi, rot, sign);
            c.paintEllipsoid(centre, scale(semi, 1.35), rot, -90f, -1);
            c.paintKidney(kidneys[side], cortex, medulla);
        }

        boolean tumor = false;
        double tumorMl = 0;
        if (rnd.nextDouble() >= (size == PhantomSize.SMALL ? P_NO_TUMOR_SMALL : P_NO_TUMOR)) {
            int side = single ? keptSide : rnd.nextInt(2);
            Kidney k = kidneys[side];
            // miniatures shrink volumes ~15x: a 2-5 ml tumor would be ~100 voxels, so SMALL draws none
            boolean tiny = rnd.nextDouble() < P_TINY_TUMOR && size != PhantomSize.SMALL;
            // SMALL: 20-150 ml before shrinking (1-9 ml, 500-5000 voxels in the miniature); smaller ones would be a
            // few hundred voxels, more than a minutes-long demo or CI run can learn to find
            double smallest = size == PhantomSize.SMALL ? 20 : 5;
            tumorMl = tiny ? 2 + 3 * rnd.nextDouble()
                : Math.exp(Math.log(smallest) + (Math.log(150) - Math.log(smallest)) * rnd.nextDouble());
            if (std) {
                // log-uniform from 1 to 300 ml: small renal masses are common, 300 ml ones happen
                tumorMl = Math.exp(Math.log(1) + (Math.log(300) - Math.log(1)) * vr.nextDouble());
            }
            double r = Math.cbrt(tumorMl * 1000 * 3 / (4 * Math.PI));
            double[] semi = {r * sc * (0.85 + 0.3 * rnd.nextDouble()), r * sc * (0.85 + 0.3 * rnd.nextDouble()),
                r * scz * (0.85 + 0.3 * rnd.nextDouble())};
            // Centre on the kidney surface away from the hilum, pushed inwards by 10-70% of its radius.
            double[] dir = k.lateralDirection(rnd);
            double[] onSurface = k.surfacePoint(dir);
            double push = tumorMl < 5 ? 0.6 + 0.3 * rnd.nextDouble() : 0.1 + 0.6 * rnd.nextDouble();
            if (std) {
                // endophytic (centre deep in the kidney), exophytic (centre outside it, a cap still inside) or
                // in between; a tumor larger than its kidney is always mostly outside
                double growth = vr.nextDouble();
                push = growth < 0.25 && tumorMl < 60 ? 1.0 + 0.4 * vr.nextDouble()
                    : growth < 0.6 ? -0.6 + 0.5 * vr.nextDouble() : 0.1 + 0.6 * vr.nextDouble();
            }
            double[] inward = k.towardsCentre(onSurface);
            double[] centre = new double[3];
            for (int a = 0; a < 3; a++) {
                centre[a] = onSurface[a] + inward[a] * push * semi[a];
            }
            float base = 50f + 70f * (float) rnd.nextDouble();
            if (std) {
                base = Variation.Phase.draw(phase.tumor, vr);
            }
            boolean necrotic = tumorMl > 10 && rnd.nextDouble() < 0.5;
            double[][] waves = new double[3][4];
            for (double[] w : waves) {
                w[0] = (0.15 + 0.35 * rnd.nextDouble()) / Math.max(0.3, sc);
                w[1] = rnd.nextDouble() * 2 * Math.PI;
                w[2] = rnd.nextDouble() * 2 * Math.PI;
                w[3] = rnd.nextDouble() * 2 * Math.PI;
            }
            tumor = c.paintTumor(centre, semi, Rot.aboutZ(rnd.nextDouble() * Math.PI), base, necrotic, waves,
                bx - fat * sc, by - fat * sc, -0.02 * ay);
        }

        if (std) {
            paintCysts(c, kidneys, vr);
        }
        double sigma = 10 + 6 * rnd.nextDouble();
        if (std) {
            sigma = var.noiseHu();
        }
        for (int i = 0; i < n; i++) {
            hu[i] = (float) Math.rint(hu[i] + sigma * gaussian(rnd));
        }
        if (std) {
            // scanners reconstruct -1024..3071 HU (what uint16 with scl_inter -1024 can hold)
            for (int i = 0; i < n; i++) {
                hu[i] = Math.max(-1024f, Math.min(3071f, hu[i]));
            }
        }
        int kidneyCount = single ? 1 : 2;
        return new Phantom(caseId(caseIndex), new ImageVolume(g, hu), new LabelVolume(g, lab), kidneyCount,
            tumor, tumor ? tumorMl * sc * sc * scz : 0);
    }

    /**
     * Simple renal cysts on a third of the kidneys: 0.5-40 ml, water density, round, on or in the kidney.
     * KiTS19 counts cysts as kidney (KiTS21 gives them label 3), so they carry the kidney label: the network
     * must learn that a dark round lesion is not tumor.
     */
    private static void paintCysts(Canvas c, Kidney[] kidneys, SplittableRandom r) {
        for (Kidney k : kidneys) {
            if (k == null || r.nextDouble() >= 0.33) {
                continue;
            }
            int n = 1 + r.nextInt(2);
            for (int i = 0; i < n; i++) {
                double ml = Math.exp(Math.log(0.5) + (Math.log(40) - Math.log(0.5)) * r.nextDouble());
                double rad = Math.cbrt(ml * 1000 * 3 / (4 * Math.PI));
                double[] p = k.surfacePoint(k.lateralDirection(r));
                double[] in = k.towardsCentre(p);
                double push = -0.3 + 0.9 * r.nextDouble();
                double[] centre = {p[0] + in[0] * push * rad, p[1] + in[1] * push * rad, p[2] + in[2] * push * rad};
                c.paintEllipsoid(centre, new double[] {rad, rad, rad}, Rot.IDENTITY, (float) (5 + 12 * r.nextDouble()),
                    1);
            }
        }
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
}
