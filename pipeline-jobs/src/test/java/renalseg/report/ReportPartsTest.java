package renalseg.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.metrics.RegionMetrics;
import renalseg.tables.FailureRow;
import renalseg.tables.LocalizationRow;
import renalseg.tables.MetricRow;
import renalseg.tables.SummaryRow;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/** The report's Spark-free parts against hand-worked values. */
class ReportPartsTest {

    @Test
    void blandAltmanLimitsMatchHandWorkedValues() {
        Agreement a = Agreement.of(new double[] {10, 20, 30}, new double[] {12, 19, 33}); // differences 2, -1, 3
        double bias = 4.0 / 3.0;
        double sd = Math.sqrt((Math.pow(2 - bias, 2) + Math.pow(-1 - bias, 2) + Math.pow(3 - bias, 2)) / 2);
        assertEquals(bias, a.bias(), 1e-12);
        assertEquals(sd, a.sd(), 1e-12);
        assertEquals(bias - 1.96 * sd, a.lower(), 1e-12);
        assertEquals(bias + 1.96 * sd, a.upper(), 1e-12);
    }

    private static MetricRow tumor(String id, double dice, double truthMl, double predMl, Boolean det, Boolean fp) {
        return new MetricRow(id, new RegionMetrics("tumor", dice, null, null, null, null, dice, predMl, truthMl, null,
            det, fp));
    }

    private static MetricRow kidney(String id, double dice) {
        return new MetricRow(id, new RegionMetrics("kidney", dice, 1.0, 2.0, 3.0, 4.0, dice, 150, 150, null, null,
            null));
    }

    @Test
    void cohortPicksBestMedianWorstAmongTrueTumorsAndCountsDetection() {
        List<MetricRow> rows = new ArrayList<>(List.of(
            tumor("c1", 0.9, 10, 11, true, null), tumor("c2", 0.2, 10, 3, true, null),
            tumor("c3", 0.5, 10, 8, true, null), tumor("c4", 0.7, 10, 9, true, null),
            tumor("c5", 0.0, 10, 0, false, null),
            // no true tumor: Dice 1.0 (both empty) must not make it the "best" tumor case
            tumor("c6", 1.0, 0, 0, null, false), tumor("c7", 0.0, 0, 2, null, true),
            kidney("c1", 0.95), kidney("c2", 0.85)));
        Cohort c = new Cohort(rows, List.of());
        List<String> picked = c.examples().stream().map(e -> e.getKey() + ":" + e.getValue().caseId()).toList();
        // descending Dice: c1 0.9, c4 0.7, c3 0.5, c2 0.2, c5 0.0 -> median is the third
        assertEquals(List.of("Best:c1", "Median:c3", "Worst:c5"), picked);

        Cohort.Detection d = c.detection();
        assertEquals(4, d.tp());
        assertEquals(1, d.fn());
        assertEquals(1, d.fp());
        assertEquals(1, d.tn());
        assertEquals(0.8, d.sensitivity(), 1e-12);
        assertEquals(0.5, d.specificity(), 1e-12);

        Cohort.Line kidneyDice = c.lines().stream()
            .filter(l -> l.region().equals("kidney") && l.metric().column().equals("dice")).findFirst().orElseThrow();
        assertFalse(kidneyDice.fromSummaryTable());
        assertEquals(0.9, kidneyDice.stats().mean(), 1e-12);
        assertEquals(2, kidneyDice.stats().n());

        // the summary table wins over recomputation where it has the row
        Cohort withSummary = new Cohort(rows, List.of(new SummaryRow("kidney", "dice", 2, 0.5, 0.1, 0.5, 0.4, 0.6),
            new SummaryRow("tumor", "detection_sensitivity", 5, 0.25, null, null, null, null)));
        assertEquals(0.5, withSummary.lines().get(0).stats().mean(), 1e-12);
        assertTrue(withSummary.lines().get(0).fromSummaryTable());
        assertEquals(0.25, withSummary.detection().sensitivity(), 1e-12);
    }

    @Test
    void fewerThanThreeTumorsGiveFewerExamples() {
        Cohort c = new Cohort(List.of(tumor("a", 0.4, 5, 4, true, null), tumor("b", 0.6, 5, 4, true, null)), List.of());
        assertEquals(List.of("b", "a"), c.examples().stream().map(e -> e.getValue().caseId()).toList());
    }

    /**
     * 20 x 20 x 10 voxels of 1 mm, CT 40 HU with bright marker voxels; tumor box i 5..9, j 5..9, k 3..6 plus
     * i 10..11 on slice k = 5 (its largest cross-section). The 70 mm minimum field of view covers the whole
     * volume, so the axial panel is 20 voxels of 15 px: voxel (i, j) fills columns 15*(19-i).., rows 15*(19-j)..
     */
    @Test
    void overlayShowsTheRightSliceInRadiologicalOrientationWithTheReferenceContour() {
        Geometry g = Geometry.of(20, 20, 10, 1, 1, 1);
        float[] hu = new float[20 * 20 * 10];
        Arrays.fill(hu, 40f);
        byte[] lab = new byte[hu.length];
        for (int k = 3; k <= 6; k++) {
            for (int j = 5; j <= 9; j++) {
                for (int i = 5; i <= (k == 5 ? 11 : 9); i++) {
                    lab[g.index(i, j, k)] = LabelVolume.TUMOR;
                }
            }
        }
        hu[g.index(19, 19, 5)] = 1000f; // patient's right (+x), anterior (+y): top left on screen
        hu[g.index(0, 0, 5)] = -1000f;  // patient's left, posterior: bottom right
        ImageVolume ct = new ImageVolume(g, hu);
        LabelVolume truth = new LabelVolume(g, lab);
        LabelVolume pred = LabelVolume.empty(g);

        SliceOverlay.Focus f = SliceOverlay.focus(truth, pred);
        assertArrayEquals(new int[] {5, 5, 5}, f.slice(), "largest cross-sections (first of ties)");
        assertArrayEquals(new int[] {0, 0, 0}, f.lo());
        assertArrayEquals(new int[] {19, 19, 9}, f.hi());

        BufferedImage p = SliceOverlay.panel(SliceOverlay.View.AXIAL, f, ct, truth, pred, ReportSettings.DEFAULTS);
        assertEquals(300, p.getWidth());
        assertEquals(300, p.getHeight());
        int gray40 = (int) Math.round(255 * (40 - (40 - 200)) / 400.0); // W400/L40: 40 HU is mid-gray
        assertEquals(rgb(gray40), p.getRGB(60, 60) & 0xffffff, "uniform CT at window level");
        assertEquals(rgb(255), p.getRGB(7, 7) & 0xffffff, "right-anterior voxel at the top left");
        assertEquals(rgb(0), p.getRGB(292, 292) & 0xffffff, "left-posterior voxel at the bottom right");
        // tumor on k = 5: i 5..11 -> columns 15*(19-11) = 120 .. 15*(19-5)+14 = 224; j 5..9 -> rows 150 .. 224
        int truthRgb = SliceOverlay.TRUTH.getRGB() & 0xffffff;
        assertEquals(truthRgb, p.getRGB(121, 180) & 0xffffff, "reference contour at the tumor's right edge");
        assertEquals(truthRgb, p.getRGB(223, 180) & 0xffffff, "reference contour at the tumor's left edge");
        assertEquals(truthRgb, p.getRGB(170, 151) & 0xffffff, "reference contour at the tumor's anterior edge");
        assertEquals(rgb(gray40), p.getRGB(170, 187) & 0xffffff, "tumor interior is not outlined");
        assertEquals(rgb(gray40), p.getRGB(117, 180) & 0xffffff, "outside the tumor is not outlined");
        int predRgb = SliceOverlay.PREDICTION.getRGB() & 0xffffff;
        for (int y = 0; y < p.getHeight(); y++) {
            for (int x = 0; x < p.getWidth(); x++) {
                assertTrue((p.getRGB(x, y) & 0xffffff) != predRgb, "no prediction contour for an empty prediction");
            }
        }

        // the prediction's contour where the prediction is: the same tumor
        BufferedImage q = SliceOverlay.panel(SliceOverlay.View.AXIAL, f, ct, truth, truth, ReportSettings.DEFAULTS);
        assertEquals(predRgb, q.getRGB(120, 180) & 0xffffff, "prediction edge over the reference band");
        assertEquals(truthRgb, q.getRGB(121, 180) & 0xffffff, "reference band inside a coinciding prediction");
        assertEquals(truthRgb, q.getRGB(122, 180) & 0xffffff, "reference band is 3 pixels wide");
        assertEquals(rgb(gray40), q.getRGB(123, 180) & 0xffffff, "and no wider");
    }

    private static int rgb(int gray) {
        return gray << 16 | gray << 8 | gray;
    }

    @Test
    void reportCommandRejectsAMissingRunFolderWithExitCode2(@TempDir Path dir) {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = renalseg.cli.Main.commandLine();
        cl.setErr(new java.io.PrintWriter(err, true));
        assertEquals(2, cl.execute("report", "--run", dir.resolve("no-such-run").toString()));
        assertTrue(err.toString().contains("no-such-run") && err.toString().contains("does not exist"), err.toString());
    }

    @Test
    void pageEscapesTextAndRedactsSecrets(@TempDir Path dir) throws Exception {
        String config = "spark {\n  conf {\n    \"spark.hadoop.fs.s3a.secret.key\" = \"s3cr3t\"\n"
            + "    \"spark.hadoop.fs.s3a.access.key\" = AKIAXXXX\n  }\n  master = \"local[*]\"\n}\npassword: hunter2\n";
        String red = ReportPage.redact(config);
        assertFalse(red.contains("s3cr3t") || red.contains("AKIAXXXX") || red.contains("hunter2"), red);
        assertTrue(red.contains("master=\"local[*]\""), red);

        StudyData data = new StudyData("run<1>", List.of(kidney("case_<script>", 0.9)), List.of(), List.of(),
            List.of(new FailureRow("case_9", "ingest", "InputError", "bad & <broken> header")), List.of(), List.of(),
            List.of(new LocalizationRow("case_<loc>", "test", 1, 1, 0.75, 0.2, "case_<loc>: localizer found 1 kidney")),
            config);
        Path index = StudyReport.write(data, id -> {
            throw new IllegalStateException("no volumes in this test");
        }, ReportSettings.DEFAULTS, dir);
        String html = Files.readString(index);
        assertFalse(html.contains("case_<script>"), "case id is escaped");
        assertTrue(html.contains("case_&lt;script&gt;"));
        // the localization section: escaped, with the recall below the 0.995 target counted
        assertFalse(html.contains("case_<loc>"));
        assertTrue(html.contains("lowest 0.7500, 1 case(s) below 0.995"), html);
        assertTrue(html.contains("bad &amp; &lt;broken&gt; header"));
        assertFalse(html.contains("s3cr3t"));
        for (String png : List.of("dice.png", "assd.png", "volumes.png", "bland_altman_tumor.png", "loss.png", "learning_rate.png")) {
            assertTrue(Files.size(dir.resolve(png)) > 1000, png + " written");
            assertTrue(html.contains("src=\"" + png + "\""), png + " referenced");
        }
        assertTrue(html.contains("No evaluated case has a tumor"), "no example cases without tumors");
    }

    /**
     * The demo's situation (issue 12): the only tumor missed, two tumor-free cases without predicted tumor.
     * The headline is tumor Dice over the cases with a reference tumor: 0.000, not (0 + 1 + 1) / 3 = 0.667;
     * the all-cases variant is shown in the summary table, labelled as such. With no summary table the
     * report computes the same; with one it shows the table's values.
     */
    @Test
    void headlineTumorDiceIsOverCasesWithAReferenceTumor(@TempDir Path dir) throws Exception {
        List<MetricRow> rows = List.of(tumor("a", 0.0, 5.0, 0.0, false, false), tumor("b", 1.0, 0, 0, null, false),
            tumor("c", 1.0, 0, 0, null, false), kidney("a", 0.9), kidney("b", 0.8), kidney("c", 0.7));
        List<SummaryRow> summary = renalseg.metrics.CohortSummary.of(rows.stream().map(MetricRow::metrics).toList())
            .stream().map(SummaryRow::of).toList();
        for (List<SummaryRow> s : List.of(List.<SummaryRow>of(), summary)) {
            StudyData data = new StudyData("run", rows, s, List.of(), List.of(), List.of(), List.of(), List.of(), null);
            String html = Files.readString(StudyReport.write(data, id -> {
                throw new IllegalStateException("no volumes in this test");
            }, ReportSettings.DEFAULTS, dir.resolve("r" + s.size())));
            java.util.regex.Matcher card = java.util.regex.Pattern.compile(
                "Tumor Dice \\(mean\\)</div><div class=\"cv\">([^<]*)</div><div class=\"cs\">([^<]*)<").matcher(html);
            assertTrue(card.find(), "tumor Dice card");
            assertEquals("0.000", card.group(1), "headline: the missed tumor alone");
            assertTrue(card.group(2).startsWith("over 1 case(s) with a reference tumor"), card.group(2));
            java.util.regex.Matcher variant = java.util.regex.Pattern.compile(
                "Dice, all cases \\(tumor-free case without predicted tumor = 1\\.0\\)(<sup>\\*</sup>)?</td>"
                    + "<td class=\"n\">3</td><td class=\"n\"><b>([^<]*)</b>").matcher(html);
            assertTrue(variant.find(), "the labelled all-cases variant");
            assertEquals("0.667", variant.group(2));
            assertEquals(s.isEmpty(), variant.group(1) != null, "marked as computed only without a summary table");
        }
        // a summary written before this rule (no dice_all_cases row) counted tumor-free cases: not trusted
        List<SummaryRow> older = List.of(new SummaryRow("tumor", "dice", 3, 2.0 / 3, 0.58, 1.0, 0.0, 1.0));
        Cohort c = new Cohort(rows, older);
        Cohort.Line tumorDice = c.lines().stream()
            .filter(l -> l.region().equals("tumor") && l.metric().column().equals("dice")).findFirst().orElseThrow();
        assertFalse(tumorDice.fromSummaryTable());
        assertEquals(0.0, tumorDice.stats().mean(), 0.0);
        assertEquals(1, tumorDice.stats().n());
    }
}
