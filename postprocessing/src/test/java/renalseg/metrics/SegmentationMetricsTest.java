package renalseg.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import renalseg.util.InputError;
import renalseg.volume.Geometry;
import renalseg.volume.LabelVolume;

/**
 * Every metric against an independent brute force: surfaces by checking the 6 neighbours, distances over
 * all pairs of surface voxels, percentiles by sorting, all written plainly here.
 */
class SegmentationMetricsTest {

    private static final double REL = 1e-9;

    // ---------------------------------------------------------------- brute force

    private static boolean in(byte[] l, int v, int region) {
        int x = l[v] & 0xff;
        return region == 1 ? x == 1 : region == 2 ? x == 2 : x == 1 || x == 2;
    }

    /** [x, y, z] of every surface voxel of the region, by looking at the 6 neighbours. */
    private static List<int[]> bruteSurface(byte[] l, int nx, int ny, int nz, int region) {
        List<int[]> out = new ArrayList<>();
        int[][] six = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    if (!in(l, x + nx * (y + ny * z), region)) {
                        continue;
                    }
                    boolean surface = false;
                    for (int[] d : six) {
                        int a = x + d[0];
                        int b = y + d[1];
                        int c = z + d[2];
                        if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz
                            || !in(l, a + nx * (b + ny * c), region)) {
                            surface = true;
                        }
                    }
                    if (surface) {
                        out.add(new int[] {x, y, z});
                    }
                }
            }
        }
        return out;
    }

    private static double[] bruteDirected(List<int[]> from, List<int[]> to, double[] s) {
        double[] d = new double[from.size()];
        for (int i = 0; i < from.size(); i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int[] q : to) {
                double dx = (from.get(i)[0] - q[0]) * s[0];
                double dy = (from.get(i)[1] - q[1]) * s[1];
                double dz = (from.get(i)[2] - q[2]) * s[2];
                best = Math.min(best, Math.sqrt(dx * dx + dy * dy + dz * dz));
            }
            d[i] = best;
        }
        return d;
    }

    /** numpy.percentile(a, p) with the default linear method, written from its definition. */
    private static double brutePercentile(double[] a, double p) {
        double[] s = a.clone();
        Arrays.sort(s);
        double pos = p / 100 * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    private static double sum(double[] a) {
        double t = 0;
        for (double x : a) {
            t += x;
        }
        return t;
    }

    private static double max(double[] a) {
        double t = 0;
        for (double x : a) {
            t = Math.max(t, x);
        }
        return t;
    }

    private static void close(double expected, Double actual, String what) {
        assertTrue(actual != null, what + " is null");
        double tol = REL * Math.max(Math.abs(expected), Math.abs(actual));
        assertEquals(expected, actual, tol, what);
    }

    /** Checks every metric of every region against the brute force. */
    private static void checkAgainstBruteForce(byte[] truth, byte[] pred, int nx, int ny, int nz, double[] s,
                                               double[] tol, String label) {
        MetricSettings settings = new MetricSettings(tol[0], tol[1], tol[2], 1e-3);
        List<RegionMetrics> rows = SegmentationMetrics.evaluate(truth, pred, nx, ny, nz, s, settings);
        assertEquals(3, rows.size());
        String[] names = {"kidney", "tumor", "kidney_and_tumor"};
        for (int r = 1; r <= 3; r++) {
            RegionMetrics m = rows.get(r - 1);
            String what = label + " " + names[r - 1];
            assertEquals(names[r - 1], m.region());
            long nG = 0;
            long nP = 0;
            long both = 0;
            for (int v = 0; v < truth.length; v++) {
                nG += in(truth, v, r) ? 1 : 0;
                nP += in(pred, v, r) ? 1 : 0;
                both += in(truth, v, r) && in(pred, v, r) ? 1 : 0;
            }
            double ml = s[0] * s[1] * s[2] / 1000;
            close(nG * ml, m.truthMl(), what + " truth ml");
            close(nP * ml, m.predMl(), what + " pred ml");
            if (nG + nP == 0) {
                assertEquals(1.0, m.dice(), what);
            } else {
                close(2.0 * both / (nG + nP), m.dice(), what + " dice");
            }
            if (nG == 0 || nP == 0) {
                assertNull(m.assdMm(), what);
                assertNull(m.assdVox(), what);
                assertNull(m.hd95Mm(), what);
                assertNull(m.hausdorffMm(), what);
                assertEquals(nG == 0 && nP == 0 ? "both empty" : nP == 0 ? "prediction empty" : "truth empty",
                    m.nullReason(), what);
                assertEquals(nG == 0 && nP == 0 ? 1.0 : 0.0, m.surfaceDice(), what);
                continue;
            }
            assertNull(m.nullReason(), what);
            List<int[]> sp = bruteSurface(pred, nx, ny, nz, r);
            List<int[]> sg = bruteSurface(truth, nx, ny, nz, r);
            double[] pg = bruteDirected(sp, sg, s);
            double[] gp = bruteDirected(sg, sp, s);
            double[] one = {1, 1, 1};
            double[] pgVox = bruteDirected(sp, sg, one);
            double[] gpVox = bruteDirected(sg, sp, one);
            close((sum(pg) + sum(gp)) / (pg.length + gp.length), m.assdMm(), what + " assd mm");
            close((sum(pgVox) + sum(gpVox)) / (pg.length + gp.length), m.assdVox(), what + " assd vox");
            close(Math.max(brutePercentile(pg, 95), brutePercentile(gp, 95)), m.hd95Mm(), what + " hd95");
            close(Math.max(max(pg), max(gp)), m.hausdorffMm(), what + " hausdorff");
            int within = 0;
            for (double d : pg) {
                within += d <= tol[r - 1] ? 1 : 0;
            }
            for (double d : gp) {
                within += d <= tol[r - 1] ? 1 : 0;
            }
            close((double) within / (pg.length + gp.length), m.surfaceDice(), what + " surface dice");
        }
    }

    /** Random blobs (a few ellipsoids of labels 1 and 2) plus salt noise; often touching the border. */
    private static byte[] randomLabels(Random rnd, int nx, int ny, int nz) {
        byte[] l = new byte[nx * ny * nz];
        int blobs = rnd.nextInt(4);
        for (int b = 0; b < blobs; b++) {
            double cx = rnd.nextDouble() * nx;
            double cy = rnd.nextDouble() * ny;
            double cz = rnd.nextDouble() * nz;
            double rx = 0.5 + rnd.nextDouble() * nx / 2.0;
            double ry = 0.5 + rnd.nextDouble() * ny / 2.0;
            double rz = 0.5 + rnd.nextDouble() * nz / 2.0;
            byte lab = (byte) (1 + rnd.nextInt(2));
            for (int z = 0; z < nz; z++) {
                for (int y = 0; y < ny; y++) {
                    for (int x = 0; x < nx; x++) {
                        double e = sq((x - cx) / rx) + sq((y - cy) / ry) + sq((z - cz) / rz);
                        if (e <= 1) {
                            l[x + nx * (y + ny * z)] = lab;
                        }
                    }
                }
            }
        }
        double noise = rnd.nextDouble() * 0.05;
        for (int v = 0; v < l.length; v++) {
            if (rnd.nextDouble() < noise) {
                l[v] = (byte) rnd.nextInt(3);
            }
        }
        return l;
    }

    private static double sq(double x) {
        return x * x;
    }

    // ---------------------------------------------------------------- tests

    @Test
    void randomShapesWithAnisotropicSpacingAgreeWithBruteForce() {
        Random rnd = new Random(20190522);
        double[] dyadic = {0.5, 0.75, 1.0, 1.25, 2.5, 5.0};
        for (int trial = 0; trial < 120; trial++) {
            int nx = 1 + rnd.nextInt(11);
            int ny = 1 + rnd.nextInt(10);
            int nz = 1 + rnd.nextInt(8);
            double[] s;
            if (trial % 3 == 0) {
                // arbitrary spacings as CT headers have them
                s = new double[] {0.5 + rnd.nextDouble(), 0.5 + rnd.nextDouble(), 0.7 + 4 * rnd.nextDouble()};
            } else {
                s = new double[] {dyadic[rnd.nextInt(6)], dyadic[rnd.nextInt(6)], dyadic[rnd.nextInt(6)]};
            }
            double[] tol = {0.5 + 3 * rnd.nextDouble(), 2.0, 1.25 * (1 + rnd.nextInt(3))};
            byte[] truth = randomLabels(rnd, nx, ny, nz);
            byte[] pred = randomLabels(rnd, nx, ny, nz);
            checkAgainstBruteForce(truth, pred, nx, ny, nz, s, tol,
                "trial " + trial + " " + nx + "x" + ny + "x" + nz + " " + Arrays.toString(s));
            // prediction = truth: Dice 1 and zero distances where the region is present
            checkAgainstBruteForce(truth, truth.clone(), nx, ny, nz, s, tol, "identical " + trial);
        }
    }

    @Test
    void oneVoxelAndEmptyMasksAgreeWithBruteForce() {
        int nx = 7;
        int ny = 6;
        int nz = 5;
        double[] s = {0.8, 0.7, 2.5};
        double[] tol = {2, 2, 2};
        byte[] truth = new byte[nx * ny * nz];
        byte[] pred = new byte[nx * ny * nz];
        truth[1 + nx * (2 + ny * 3)] = 2;
        pred[5 + nx * (0 + ny * 4)] = 2;
        pred[3 + nx * (3 + ny * 0)] = 1;
        checkAgainstBruteForce(truth, pred, nx, ny, nz, s, tol, "one-voxel");
        RegionMetrics tumor = SegmentationMetrics.evaluate(truth, pred, nx, ny, nz, s, MetricSettings.defaults())
            .get(1);
        // one voxel each, at offsets (4, -2, 1) voxels
        double d = Math.sqrt(sq(4 * 0.8) + sq(2 * 0.7) + sq(2.5));
        assertEquals(d, tumor.assdMm(), 1e-12);
        assertEquals(d, tumor.hd95Mm(), 1e-12);
        assertEquals(d, tumor.hausdorffMm(), 1e-12);
        assertEquals(Math.sqrt(16 + 4 + 1), tumor.assdVox(), 1e-12);
        assertEquals(Boolean.FALSE, tumor.detected());
        assertEquals(Boolean.FALSE, tumor.falsePositive());
        checkAgainstBruteForce(truth, new byte[truth.length], nx, ny, nz, s, tol, "empty prediction");
        checkAgainstBruteForce(new byte[truth.length], pred, nx, ny, nz, s, tol, "empty truth");
        checkAgainstBruteForce(new byte[truth.length], new byte[truth.length], nx, ny, nz, s, tol, "both empty");
        // a mask filling the whole volume: every voxel touching the border is surface
        byte[] full = new byte[truth.length];
        Arrays.fill(full, (byte) 1);
        checkAgainstBruteForce(full, pred, nx, ny, nz, s, tol, "full truth");
    }

    @Test
    void handWorkedRow() {
        // 5x1x1 voxels of 2 x 1 x 1 mm; truth kidney at x = 0..2, prediction at x = 1..3. Every voxel is
        // surface (the volume is one voxel thick). d(P->G) = {0, 0, 2}, d(G->P) = {2, 0, 0} mm.
        Geometry g = Geometry.of(5, 1, 1, 2, 1, 1);
        LabelVolume truth = new LabelVolume(g, new byte[] {1, 1, 1, 0, 0});
        LabelVolume pred = new LabelVolume(g, new byte[] {0, 1, 1, 1, 0});
        List<RegionMetrics> rows = SegmentationMetrics.evaluate(truth, pred, new MetricSettings(1.5, 2, 2, 1e-3));
        RegionMetrics k = rows.get(0);
        assertEquals("kidney", k.region());
        assertEquals(4.0 / 6, k.dice(), 1e-15);
        assertEquals(4.0 / 6, k.assdMm(), 1e-15);
        assertEquals(2.0 / 6, k.assdVox(), 1e-15);
        // 95th percentile of {0, 0, 2}: position 1.9 -> 0 + 0.9 * 2
        assertEquals(1.8, k.hd95Mm(), 1e-15);
        assertEquals(2.0, k.hausdorffMm(), 1e-15);
        assertEquals(4.0 / 6, k.surfaceDice(), 1e-15);   // tolerance 1.5 mm: the two 2 mm voxels are out
        assertEquals(0.006, k.truthMl(), 1e-15);
        assertEquals(0.006, k.predMl(), 1e-15);
        // kidney_and_tumor: tolerance 2 mm includes the voxels at exactly 2 mm
        assertEquals(1.0, rows.get(2).surfaceDice());
        RegionMetrics t = rows.get(1);
        assertEquals("tumor", t.region());
        assertEquals("both empty", t.nullReason());
        assertEquals(1.0, t.dice());
        assertNull(t.detected());
        assertEquals(Boolean.FALSE, t.falsePositive());
    }

    @Test
    void surfaceExcludesInteriorVoxels() {
        // a 3x3x3 cube inside 5x5x5: 26 surface voxels, the centre is interior
        int n = 5;
        boolean[] m = new boolean[n * n * n];
        for (int z = 1; z <= 3; z++) {
            for (int y = 1; y <= 3; y++) {
                for (int x = 1; x <= 3; x++) {
                    m[x + n * (y + n * z)] = true;
                }
            }
        }
        int[] s = Surfaces.of(m, n, n, n);
        assertEquals(26, s.length);
        assertTrue(Arrays.stream(s).noneMatch(v -> v == 2 + n * (2 + n * 2)));
        // the same cube in a 3x3x3 volume: the centre is interior too (its neighbours are in the volume)
        boolean[] all = new boolean[27];
        Arrays.fill(all, true);
        assertEquals(26, Surfaces.of(all, 3, 3, 3).length);
        // a 3x3x1 volume: every voxel touches the border
        assertEquals(9, Surfaces.of(new boolean[] {true, true, true, true, true, true, true, true, true}, 3, 3, 1)
            .length);
    }

    @Test
    void distanceTransformIsExact() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 40; trial++) {
            int nx = 1 + rnd.nextInt(9);
            int ny = 1 + rnd.nextInt(9);
            int nz = 1 + rnd.nextInt(9);
            double sx = 0.3 + 3 * rnd.nextDouble();
            double sy = 0.3 + 3 * rnd.nextDouble();
            double sz = 0.3 + 3 * rnd.nextDouble();
            boolean[] sites = new boolean[nx * ny * nz];
            double density = trial % 5 == 0 ? 0 : rnd.nextDouble() * 0.2;
            for (int i = 0; i < sites.length; i++) {
                sites[i] = rnd.nextDouble() < density;
            }
            double[] d = DistanceTransform.distances(sites, nx, ny, nz, sx, sy, sz);
            for (int z = 0; z < nz; z++) {
                for (int y = 0; y < ny; y++) {
                    for (int x = 0; x < nx; x++) {
                        double best = Double.POSITIVE_INFINITY;
                        for (int c = 0; c < nz; c++) {
                            for (int b = 0; b < ny; b++) {
                                for (int a = 0; a < nx; a++) {
                                    if (sites[a + nx * (b + ny * c)]) {
                                        best = Math.min(best, Math.sqrt(sq((x - a) * sx) + sq((y - b) * sy)
                                            + sq((z - c) * sz)));
                                    }
                                }
                            }
                        }
                        double got = d[x + nx * (y + ny * z)];
                        if (best == Double.POSITIVE_INFINITY) {
                            assertEquals(Double.POSITIVE_INFINITY, got);
                        } else {
                            assertEquals(best, got, 1e-12 * Math.max(1, best), "trial " + trial);
                        }
                    }
                }
            }
        }
    }

    @Test
    void percentileMatchesNumpyExamples() {
        // numpy.percentile([1, 2, 3, 4], 95) = 3.85; ([10], 95) = 10; ([0, 10], 50) = 5
        assertEquals(3.85, Percentile.linear(new double[] {4, 1, 3, 2}, 95), 1e-15);
        assertEquals(10, Percentile.linear(new double[] {10}, 95));
        assertEquals(5, Percentile.linear(new double[] {10, 0}, 50));
        assertEquals(4, Percentile.linear(new double[] {4, 1, 3, 2}, 100));
    }

    @Test
    void shapeOrAffineMismatchIsAnInputError() {
        Geometry g = Geometry.of(4, 3, 2, 0.8, 0.8, 2.5);
        LabelVolume truth = LabelVolume.empty(g);
        InputError shape = assertThrows(InputError.class, () -> SegmentationMetrics.evaluate(truth,
            LabelVolume.empty(Geometry.of(4, 3, 3, 0.8, 0.8, 2.5)), MetricSettings.defaults()));
        assertTrue(shape.getMessage().contains("4x3x3"), shape.getMessage());
        double[][] a = g.affine();
        a[0][3] = 10;
        Geometry moved = new Geometry(4, 3, 2, g.spacing(), a);
        InputError affine = assertThrows(InputError.class,
            () -> SegmentationMetrics.evaluate(truth, LabelVolume.empty(moved), MetricSettings.defaults()));
        assertTrue(affine.getMessage().contains("affine"), affine.getMessage());
        // float32 rounding of a header is within tolerance
        a[0][3] = 1e-5;
        Geometry rounded = new Geometry(4, 3, 2, g.spacing(), a);
        assertEquals(3, SegmentationMetrics.evaluate(truth, LabelVolume.empty(rounded), MetricSettings.defaults())
            .size());
    }

    @Test
    void detectionPerPatientAndCohort() {
        Geometry g = Geometry.of(6, 1, 1, 1, 1, 1);
        MetricSettings s = MetricSettings.defaults();
        // true tumor at 0..1; predicted tumor at 1: detected
        RegionMetrics hit = SegmentationMetrics.evaluate(new LabelVolume(g, new byte[] {2, 2, 0, 0, 0, 0}),
            new LabelVolume(g, new byte[] {0, 2, 0, 0, 0, 0}), s).get(1);
        // predicted tumor elsewhere: missed
        RegionMetrics miss = SegmentationMetrics.evaluate(new LabelVolume(g, new byte[] {2, 2, 0, 0, 0, 0}),
            new LabelVolume(g, new byte[] {0, 0, 0, 2, 0, 0}), s).get(1);
        // no true tumor, one predicted: false positive
        RegionMetrics fp = SegmentationMetrics.evaluate(new LabelVolume(g, new byte[] {1, 1, 0, 0, 0, 0}),
            new LabelVolume(g, new byte[] {1, 2, 0, 0, 0, 0}), s).get(1);
        // no true tumor, none predicted: true negative
        RegionMetrics tn = SegmentationMetrics.evaluate(new LabelVolume(g, new byte[] {1, 1, 0, 0, 0, 0}),
            new LabelVolume(g, new byte[] {1, 1, 0, 0, 0, 0}), s).get(1);
        assertEquals(Boolean.TRUE, hit.detected());
        assertEquals(Boolean.FALSE, hit.falsePositive());
        assertEquals(Boolean.FALSE, miss.detected());
        assertNull(fp.detected());
        assertEquals(Boolean.TRUE, fp.falsePositive());
        assertEquals("truth empty", fp.nullReason());
        assertEquals(Boolean.FALSE, tn.falsePositive());
        // kidney rows carry no detection
        assertNull(SegmentationMetrics.evaluate(new LabelVolume(g, new byte[6]), new LabelVolume(g, new byte[6]), s)
            .get(0).detected());
        List<RegionMetrics> cohort = new ArrayList<>(List.of(hit, miss, fp, tn, tn));
        DetectionStatistics d = DetectionStatistics.of(cohort);
        assertEquals(new DetectionStatistics(2, 1, 3, 1), d);
        assertEquals(0.5, d.sensitivity());
        assertEquals(2.0 / 3, d.specificity(), 1e-15);
        DetectionStatistics none = DetectionStatistics.of(List.of(hit));
        assertNull(none.specificity());
        assertFalse(none.sensitivity() == null);
    }

    @Test
    void settingsFromConfiguration() {
        var config = renalseg.config.RenalsegConfig.load(null,
            List.of("evaluate.surface-dice-tolerance-mm=3", "evaluate.surface-dice-tolerance-tumor-mm=1.5"));
        MetricSettings s = MetricSettings.from(config);
        assertEquals(3.0, s.toleranceMm(Region.KIDNEY));
        assertEquals(1.5, s.toleranceMm(Region.TUMOR));
        assertEquals(3.0, s.toleranceMm(Region.KIDNEY_AND_TUMOR));
        assertEquals(MetricSettings.defaults(), MetricSettings.from(renalseg.config.RenalsegConfig.load(null, List.of())));
    }
}
