package renalseg.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import renalseg.metrics.RegionMetrics;
import renalseg.pipeline.RunFolder;
import renalseg.tables.CaseRow;
import renalseg.tables.FailureRow;
import renalseg.tables.HistoryTable;
import renalseg.tables.MetricRow;
import renalseg.tables.StageRow;
import renalseg.training.HistoryRow;
import renalseg.cli.Main;
import renalseg.config.RenalsegConfig;
import renalseg.io.NiftiReader;
import renalseg.io.NiftiWriter;
import renalseg.synth.Phantom;
import renalseg.synth.PhantomSize;
import renalseg.synth.SyntheticCohort;
import renalseg.volume.Geometry;
import renalseg.volume.LabelVolume;

/**
 * The report of a run folder made here (synthetic cases as real NIfTI files, predictions written with
 * NiftiWriter, tables written by Spark in local mode), written by {@code renalseg report --run} and
 * loaded in headless Chromium: every image loads, the per-patient table has one row per case, and a
 * screenshot is saved in the run folder (pipeline-jobs/target/report-test-run/report/screenshot.png, a CI
 * artifact).
 */
class StudyReportBrowserTest {

    private static final int CASES = 6;
    /** Tumor shifted by this many voxels along the first file axis in each case's prediction; -1 drops it. */
    private static final int[] SHIFT = {0, 1, 2, 3, -1, 4};
    private static final String SECRET = "TOPSECRET-do-not-show-42";

    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        // a handful of tiny tables: skip whole-stage code generation and adaptive planning, which cost
        // more than they save at this size
        spark = SparkSession.builder().master("local[2]").appName("report-test")
            .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.codegen.wholeStage", "false").config("spark.sql.adaptive.enabled", "false")
            .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** What the test knows about a case, computed here by brute force from the label arrays. */
    record Truth(String caseId, double kidneyDice, double tumorDice, double bothDice, double kidneyPred,
                 double kidneyTrue, double tumorPred, double tumorTrue) {
    }

    @Test
    void reportLoadsInChromiumWithAllImagesAndOneRowPerCase() throws Exception {
        String chromium = chromium();
        Path run = Paths.get("target", "report-test-run").toAbsolutePath();
        deleteTree(run);
        Path cohort = run.resolve("cohort");
        long t0 = System.nanoTime();
        List<Phantom> phantoms = SyntheticCohort.write(cohort, CASES, 7, PhantomSize.SMALL);
        Files.createDirectories(run.resolve("segmentations"));

        List<Truth> truths = new ArrayList<>();
        List<Row> metrics = new ArrayList<>();
        List<Row> cases = new ArrayList<>();
        for (int c = 0; c < CASES; c++) {
            String id = phantoms.get(c).caseId();
            Path img = cohort.resolve(id).resolve(SyntheticCohort.IMAGE);
            Path lab = cohort.resolve(id).resolve(SyntheticCohort.LABELS);
            cases.add(new CaseRow(id, img.toUri().toString(), lab.toUri().toString(), null, null, null, null, null, true,
                "test", "ok").toRow());
            LabelVolume truth = NiftiReader.readLabels(lab); // the file's own (KiTS19, IPL) grid
            LabelVolume pred = predict(truth, SHIFT[c]);
            NiftiWriter.write(run.resolve("segmentations").resolve(id + ".nii.gz"), pred);
            Truth t = measure(id, truth, pred);
            truths.add(t);
            metrics.add(metricRow(id, "kidney", t.kidneyDice(), t.kidneyPred(), t.kidneyTrue(), null, null));
            boolean hasTumor = t.tumorTrue() > 0;
            metrics.add(metricRow(id, "tumor", t.tumorDice(), t.tumorPred(), t.tumorTrue(),
                hasTumor ? t.tumorPred() > 0 && t.tumorDice() > 0 : null, hasTumor ? null : t.tumorPred() > 0));
            metrics.add(metricRow(id, "kidney_and_tumor", t.bothDice(), t.kidneyPred() + t.tumorPred(),
                t.kidneyTrue() + t.tumorTrue(), null, null));
        }
        mark("cohort and segmentations", t0);
        writeTables(run, metrics, cases);
        mark("tables", t0);
        String config = RenalsegConfig.render(RenalsegConfig.load(null, List.of("spark.master=\"local[2]\"")))
            + "\n# a credential that must never reach the report\nspark.conf { \"spark.hadoop.fs.s3a.secret.key\" = \""
            + SECRET + "\" }\n";
        Files.writeString(run.resolve("config.conf"), config);

        assertEquals(0, Main.execute("report", "--run", run.toString()), "renalseg report exit code");
        mark("report", t0);

        Path index = run.resolve("report").resolve("index.html");
        String html = Files.readString(index);
        assertFalse(html.contains(SECRET), "a secret from config.conf reached the report");
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "the report must not load anything from the network");
        int imgTags = count(Pattern.compile("<img\\s"), html);
        // 6 charts + best, median and worst case (the cohort has at least 3 tumors)
        assertEquals(9, imgTags, "charts and example-case images in index.html");

        // Best, median and worst by tumor Dice among cases with a true tumor, from the test's own Dice
        List<Truth> withTumor = new ArrayList<>(truths.stream().filter(t -> t.tumorTrue() > 0).toList());
        withTumor.sort(Comparator.comparingDouble((Truth t) -> -t.tumorDice()).thenComparing(Truth::caseId));
        assertTrue(withTumor.size() >= 3, "the synthetic cohort should have at least three tumors");
        assertTrue(html.contains("<h3>Best: " + withTumor.get(0).caseId() + "</h3>"), "best case");
        assertTrue(html.contains("<h3>Median: " + withTumor.get(withTumor.size() / 2).caseId() + "</h3>"), "median case");
        assertTrue(html.contains("<h3>Worst: " + withTumor.get(withTumor.size() - 1).caseId() + "</h3>"), "worst case");
        // the summary table's tumor Dice mean as written in the summary table
        assertTrue(html.contains("<b>0.612</b>"), "summary table value shown");
        assertTrue(html.contains("<td class=\"n\">6</td><td class=\"n\"><b>0.955</b>"), "summary n and kidney Dice");
        assertTrue(html.contains("83.3%"), "detection sensitivity from the summary table");

        String dom = run(chromium, run, List.of("--virtual-time-budget=5000", "--dump-dom", index.toUri().toString()));
        Matcher total = Pattern.compile("data-images-total=\"(\\d+)\"").matcher(dom);
        Matcher loaded = Pattern.compile("data-images-loaded=\"(\\d+)\"").matcher(dom);
        assertTrue(total.find() && loaded.find(), "the page's load script did not run in Chromium:\n"
            + dom.substring(0, Math.min(400, dom.length())));
        assertEquals(imgTags, Integer.parseInt(total.group(1)), "images Chromium found");
        assertEquals(imgTags, Integer.parseInt(loaded.group(1)), "images Chromium loaded (complete, naturalWidth > 0)");
        Matcher table = Pattern.compile("(?s)<table[^>]*id=\"patient-table\"[^>]*>.*?<tbody>(.*?)</tbody>").matcher(dom);
        assertTrue(table.find(), "per-patient table in the DOM");
        assertEquals(CASES, count(Pattern.compile("<tr[\\s>]"), table.group(1)), "per-patient table rows");
        for (Truth t : truths) {
            assertTrue(table.group(1).contains(">" + t.caseId() + "<"), t.caseId() + " in the per-patient table");
        }

        mark("chromium --dump-dom", t0);
        Path shot = run.resolve("report").resolve("screenshot.png");
        Files.deleteIfExists(shot);
        run(chromium, run, List.of("--virtual-time-budget=5000", "--hide-scrollbars", "--window-size=1280,2000",
            "--screenshot=" + shot, index.toUri().toString()));
        assertTrue(Files.isRegularFile(shot), "screenshot written");
        BufferedImage png = ImageIO.read(shot.toFile());
        assertNotNull(png, "screenshot is a PNG");
        assertEquals(1280, png.getWidth());
        mark("chromium --screenshot", t0);
    }

    private static void mark(String what, long t0) {
        System.err.printf(Locale.ROOT, "report test: %s done at %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
    }

    /** The reference with the tumor moved by {@code shift} voxels along file axis 0 (-1: tumor dropped). */
    static LabelVolume predict(LabelVolume truth, int shift) {
        Geometry g = truth.geometry();
        byte[] t = truth.labels();
        byte[] p = new byte[t.length];
        for (int i = 0; i < t.length; i++) {
            p[i] = t[i] == LabelVolume.TUMOR ? LabelVolume.KIDNEY : t[i];
        }
        if (shift >= 0) {
            for (int k = 0; k < g.nz(); k++) {
                for (int j = 0; j < g.ny(); j++) {
                    for (int i = 0; i + shift < g.nx(); i++) {
                        if (t[g.index(i, j, k)] == LabelVolume.TUMOR) {
                            p[g.index(i + shift, j, k)] = LabelVolume.TUMOR;
                        }
                    }
                }
            }
        }
        return new LabelVolume(g, p);
    }

    static Truth measure(String id, LabelVolume truth, LabelVolume pred) {
        byte[] t = truth.labels();
        byte[] p = pred.labels();
        long[] tk = new long[3];
        long[] pk = new long[3];
        long[] both = new long[3];
        for (int i = 0; i < t.length; i++) {
            boolean[] ti = {t[i] == 1, t[i] == 2, t[i] != 0};
            boolean[] pi = {p[i] == 1, p[i] == 2, p[i] != 0};
            for (int r = 0; r < 3; r++) {
                tk[r] += ti[r] ? 1 : 0;
                pk[r] += pi[r] ? 1 : 0;
                both[r] += ti[r] && pi[r] ? 1 : 0;
            }
        }
        double ml = truth.geometry().voxelMl();
        double[] dice = new double[3];
        for (int r = 0; r < 3; r++) {
            dice[r] = tk[r] + pk[r] == 0 ? 1.0 : 2.0 * both[r] / (tk[r] + pk[r]);
        }
        return new Truth(id, dice[0], dice[1], dice[2], pk[0] * ml, tk[0] * ml, pk[1] * ml, tk[1] * ml);
    }

    static Row metricRow(String id, String region, double dice, double predMl, double truthMl, Boolean detected,
                         Boolean falsePositive) {
        boolean empty = predMl == 0 || truthMl == 0;
        Double d = empty ? null : 1.5 + 2 * (1 - dice);
        return new MetricRow(id, new RegionMetrics(region, dice, d, empty ? null : d / 0.7, empty ? null : 3 * d,
            empty ? null : 5 * d, empty ? (predMl == truthMl ? 1.0 : 0.0) : dice, predMl, truthMl,
            empty ? (predMl == 0 ? "prediction empty" : "reference empty") : null, detected, falsePositive)).toRow();
    }

    private static void writeTables(Path run, List<Row> metrics, List<Row> cases) {
        String tables = run.resolve("tables").toUri().toString();
        spark.createDataFrame(metrics, MetricRow.SCHEMA).write().parquet(tables + "/metrics");

        // The summary table holds Dice and detection only: the report computes the rest from metrics.
        // n as a 32-bit integer, as another writer might store it: the reader must cope with another integer
        // width than the contract's (SummaryRow reads by name, any integer width).
        StructType s = new StructType().add("region", DataTypes.StringType).add("metric", DataTypes.StringType)
            .add("n", DataTypes.IntegerType).add("mean", DataTypes.DoubleType).add("sd", DataTypes.DoubleType)
            .add("median", DataTypes.DoubleType).add("min", DataTypes.DoubleType).add("max", DataTypes.DoubleType);
        spark.createDataFrame(List.of(
            RowFactory.create("kidney", "dice", 6, 0.955, 0.01, 0.956, 0.94, 0.97),
            RowFactory.create("tumor", "dice", 4, 0.6123, 0.3, 0.7, 0.0, 1.0),
            RowFactory.create("tumor", "dice_all_cases", 6, 0.7415, 0.3, 0.85, 0.0, 1.0),
            RowFactory.create("tumor", "detection_sensitivity", 6, 5 / 6.0, null, null, null, null),
            RowFactory.create("tumor", "detection_specificity", 0, null, null, null, null, null)), s)
            .write().parquet(tables + "/summary");

        List<Row> hist = new ArrayList<>();
        for (int it = 1; it <= 120; it++) {
            double lr = it <= 60 ? 1e-3 : it <= 90 ? 1e-4 : 1e-5;
            hist.add(HistoryTable.toRow(new HistoryRow(it / 3, it, 1.2 * Math.exp(-it / 30.0) + 0.05
                + 0.03 * Math.sin(it), lr, 3.5, it * 2.0)));
        }
        spark.createDataFrame(hist, HistoryTable.SCHEMA).write().parquet(tables + "/history");

        // failures and stages are stage-partitioned (tables/NAME/stage=S/), as the pipeline writes them
        RunFolder folder = new RunFolder(run.toString(), spark.sparkContext().hadoopConfiguration());
        folder.writeStagePart(spark.createDataFrame(List.of(new FailureRow("case_00099", "ingest", "InputError",
            "case case_00099: file:/data/case_00099/imaging.nii.gz: not a NIfTI-1 file (sizeof_hdr 0)").toPartRow()),
            FailureRow.PART_SCHEMA), "failures", "ingest");

        String[] stages = {"ingest", "preprocess", "augment", "train", "infer", "postprocess", "evaluate"};
        double[] secs = {4.2, 31.5, 2.1, 5400, 620, 75, 12.3};
        Instant t0 = Instant.parse("2026-11-26T08:00:00Z");
        for (int i = 0; i < stages.length; i++) {
            folder.writeStagePart(spark.createDataFrame(List.of(new StageRow(stages[i], t0, secs[i], CASES,
                i == 0 ? 1L : 0L).toPartRow()), StageRow.PART_SCHEMA), "stages", stages[i]);
            t0 = t0.plusMillis((long) (secs[i] * 1000));
        }
        spark.createDataFrame(cases, CaseRow.SCHEMA).write().parquet(tables + "/cases");
    }

    /** The Chromium binary, or a failure saying how to install it (never a skip). */
    static String chromium() {
        for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
                Path p = Paths.get(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return fail("Chromium is not installed: the report's browser test needs it. Install it with "
            + "`apt-get update && apt-get install -y chromium` (Debian/Ubuntu) and run the test again.");
    }

    /** Runs headless Chromium with a fresh profile; returns its stdout. */
    static String run(String chromium, Path run, List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("renalseg-chromium-");
        try {
            List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
            cmd.addAll(args);
            Path out = profile.resolveSibling(profile.getFileName() + ".out");
            Path err = run.resolve("report").resolve("chromium.log");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("Chromium did not finish within 90 s: " + String.join(" ", cmd) + "; see " + err);
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            assertEquals(0, p.exitValue(), "Chromium exit code; see " + err);
            return stdout;
        } finally {
            deleteTree(profile);
        }
    }

    private static int count(Pattern p, String s) {
        Matcher m = p.matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
