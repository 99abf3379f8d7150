package renalseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.io.NiftiWriter;
import renalseg.volume.Geometry;
import renalseg.volume.LabelVolume;

/**
 * {@code evaluate} on real files: the truth written by our NiftiWriter (uint8, gzipped), the prediction
 * as another tool would write it (int16, big endian, header built field by field), every printed number
 * checked against a brute force over all pairs of surface voxels.
 */
class EvaluateCommandTest {

    @TempDir
    Path dir;

    private static final int NX = 9;
    private static final int NY = 8;
    private static final int NZ = 6;
    /** Spacing as a NIfTI header holds it (float32). */
    private static final double[] S = {(float) 0.8, (float) 0.7, (float) 2.5};
    private static final float[][] SROW = {{-0.8f, 0, 0, 40}, {0, -0.7f, 0, 30.5f}, {0, 0, 2.5f, -100}};

    private static Geometry grid() {
        double[][] a = new double[4][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                a[r][c] = SROW[r][c];
            }
        }
        a[3][3] = 1;
        return new Geometry(NX, NY, NZ, S, a);
    }

    private static int idx(int x, int y, int z) {
        return x + NX * (y + NY * z);
    }

    /** An ellipsoid of kidney with a tumor at one end, centred at (cx, cy, cz) voxels. */
    private static byte[] shape(double cx, double cy, double cz, double tumorX) {
        byte[] l = new byte[NX * NY * NZ];
        for (int z = 0; z < NZ; z++) {
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++) {
                    double e = sq((x - cx) / 3.6) + sq((y - cy) / 2.8) + sq((z - cz) / 2.2);
                    if (e <= 1) {
                        l[idx(x, y, z)] = (byte) (x >= tumorX ? 2 : 1);
                    }
                }
            }
        }
        return l;
    }

    private static double sq(double x) {
        return x * x;
    }

    private Path writePredAsInt16BigEndian(byte[] labels) throws Exception {
        ByteBuffer v = ByteBuffer.allocate(labels.length * 2).order(ByteOrder.BIG_ENDIAN);
        for (byte b : labels) {
            v.putShort(b);
        }
        byte[] file = InspectCommandTest.nifti1(ByteOrder.BIG_ENDIAN, new short[] {NX, NY, NZ}, (short) 4, (short) 16,
            new float[] {0.8f, 0.7f, 2.5f}, 0f, 0f, SROW, v.array());
        Path p = dir.resolve("pred.nii");
        Files.write(p, file);
        return p;
    }

    // ---- brute force, written plainly --------------------------------------------------------------------

    private static boolean in(byte[] l, int v, String region) {
        return switch (region) {
            case "kidney" -> l[v] == 1;
            case "tumor" -> l[v] == 2;
            default -> l[v] == 1 || l[v] == 2;
        };
    }

    private static List<int[]> surface(byte[] l, String region) {
        List<int[]> s = new ArrayList<>();
        int[][] six = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
        for (int z = 0; z < NZ; z++) {
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++) {
                    if (!in(l, idx(x, y, z), region)) {
                        continue;
                    }
                    for (int[] d : six) {
                        int a = x + d[0];
                        int b = y + d[1];
                        int c = z + d[2];
                        if (a < 0 || b < 0 || c < 0 || a >= NX || b >= NY || c >= NZ || !in(l, idx(a, b, c), region)) {
                            s.add(new int[] {x, y, z});
                            break;
                        }
                    }
                }
            }
        }
        return s;
    }

    private static double[] directed(List<int[]> from, List<int[]> to, double[] s) {
        double[] d = new double[from.size()];
        for (int i = 0; i < d.length; i++) {
            double best = Double.MAX_VALUE;
            for (int[] q : to) {
                int[] p = from.get(i);
                best = Math.min(best, Math.sqrt(sq((p[0] - q[0]) * s[0]) + sq((p[1] - q[1]) * s[1])
                    + sq((p[2] - q[2]) * s[2])));
            }
            d[i] = best;
        }
        return d;
    }

    private static double p95(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        double pos = 0.95 * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    private static void close(double expected, JsonNode actual, String what) {
        assertTrue(actual.isNumber(), what + " is " + actual);
        assertEquals(expected, actual.asDouble(), 1e-9 * Math.abs(expected) + 1e-15, what);
    }

    private static void checkRow(JsonNode row, byte[] truth, byte[] pred, String region) {
        long g = 0;
        long p = 0;
        long both = 0;
        for (int v = 0; v < truth.length; v++) {
            g += in(truth, v, region) ? 1 : 0;
            p += in(pred, v, region) ? 1 : 0;
            both += in(truth, v, region) && in(pred, v, region) ? 1 : 0;
        }
        assertEquals(region, row.get("region").asText());
        close(2.0 * both / (g + p), row.get("dice"), region + " dice");
        close(g * S[0] * S[1] * S[2] / 1000, row.get("truth_ml"), region + " truth_ml");
        close(p * S[0] * S[1] * S[2] / 1000, row.get("pred_ml"), region + " pred_ml");
        List<int[]> sp = surface(pred, region);
        List<int[]> sg = surface(truth, region);
        double[] pg = directed(sp, sg, S);
        double[] gp = directed(sg, sp, S);
        double[] one = {1, 1, 1};
        double[] pgv = directed(sp, sg, one);
        double[] gpv = directed(sg, sp, one);
        int total = pg.length + gp.length;
        close((Arrays.stream(pg).sum() + Arrays.stream(gp).sum()) / total, row.get("assd_mm"), region + " assd_mm");
        close((Arrays.stream(pgv).sum() + Arrays.stream(gpv).sum()) / total, row.get("assd_vox"), region + " assd_vox");
        close(Math.max(p95(pg), p95(gp)), row.get("hd95_mm"), region + " hd95");
        close(Math.max(Arrays.stream(pg).max().getAsDouble(), Arrays.stream(gp).max().getAsDouble()),
            row.get("hausdorff_mm"), region + " hausdorff");
        long within = Arrays.stream(pg).filter(d -> d <= 2.0).count() + Arrays.stream(gp).filter(d -> d <= 2.0).count();
        close((double) within / total, row.get("surface_dice"), region + " surface_dice");
        assertTrue(row.get("null_reason").isNull());
    }

    // ---- tests ---------------------------------------------------------------------------------------------

    @Test
    void printsOneLinePerRegionMatchingBruteForce() throws Exception {
        byte[] truth = shape(4, 3.5, 2.5, 6);
        byte[] pred = shape(4.6, 3.9, 2.2, 5.5);
        Path t = dir.resolve("truth.nii.gz");
        NiftiWriter.write(t, new LabelVolume(grid(), truth));
        Path p = writePredAsInt16BigEndian(pred);
        InspectCommandTest.Run r = InspectCommandTest.run("evaluate", "--truth", t.toString(), "--pred", p.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(3, lines.length, r.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode kidney = json.readTree(lines[0]);
        JsonNode tumor = json.readTree(lines[1]);
        JsonNode both = json.readTree(lines[2]);
        checkRow(kidney, truth, pred, "kidney");
        checkRow(tumor, truth, pred, "tumor");
        checkRow(both, truth, pred, "kidney_and_tumor");
        assertTrue(tumor.get("detected").asBoolean());
        assertFalse(tumor.get("false_positive").asBoolean());
        assertFalse(kidney.has("detected"));
        assertFalse(both.has("false_positive"));
        // the columns and order of the metrics table (RegionMetrics.COLUMNS, pinned in CohortStatisticsTest),
        // without the tumor-only detection columns
        List<String> keys = new ArrayList<>();
        kidney.fieldNames().forEachRemaining(keys::add);
        assertEquals(renalseg.metrics.RegionMetrics.COLUMNS.stream().map(c -> c.name())
            .filter(c -> !c.equals("detected") && !c.equals("false_positive")).toList(), keys);
        assertTrue(keys.containsAll(List.of("dice", "assd_mm", "hd95_mm", "surface_dice", "truth_ml")), keys.toString());
    }

    @Test
    void emptyPredictedTumorGivesNullDistancesAndAReason() throws Exception {
        byte[] truth = shape(4, 3.5, 2.5, 6);
        byte[] pred = shape(4, 3.5, 2.5, 99);      // kidney only
        Path t = dir.resolve("truth.nii");
        NiftiWriter.write(t, new LabelVolume(grid(), truth));
        Path p = writePredAsInt16BigEndian(pred);
        InspectCommandTest.Run r = InspectCommandTest.run("evaluate", "--truth", t.toString(), "--pred", p.toString(),
            "--set", "evaluate.surface-dice-tolerance-mm=1");
        assertEquals(0, r.code(), r.err());
        JsonNode tumor = new ObjectMapper().readTree(r.out().strip().split("\n")[1]);
        assertEquals("tumor", tumor.get("region").asText());
        assertEquals("prediction empty", tumor.get("null_reason").asText());
        for (String k : List.of("assd_mm", "assd_vox", "hd95_mm", "hausdorff_mm")) {
            assertTrue(tumor.get(k).isNull(), k);
        }
        assertEquals(0.0, tumor.get("dice").asDouble());
        assertEquals(0.0, tumor.get("surface_dice").asDouble());
        assertFalse(tumor.get("detected").asBoolean());
        assertFalse(tumor.get("false_positive").asBoolean());
    }

    @Test
    void differentGridsAreAClearError() throws Exception {
        Path t = dir.resolve("truth.nii");
        NiftiWriter.write(t, new LabelVolume(grid(), shape(4, 3.5, 2.5, 6)));
        Path p = dir.resolve("moved.nii");
        double[][] a = grid().affine();
        a[2][3] += 5;
        NiftiWriter.write(p, new LabelVolume(new Geometry(NX, NY, NZ, S, a), shape(4, 3.5, 2.5, 6)));
        InspectCommandTest.Run r = InspectCommandTest.run("evaluate", "--truth", t.toString(), "--pred", p.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("moved.nii") && r.err().contains("affine"), r.err());
        assertEquals("", r.out());
        InspectCommandTest.Run missing = InspectCommandTest.run("evaluate", "--truth", t.toString(), "--pred",
            dir.resolve("none.nii").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("none.nii"), missing.err());
    }
}
