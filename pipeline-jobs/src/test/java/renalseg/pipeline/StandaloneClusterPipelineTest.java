package renalseg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import renalseg.config.RenalsegConfig;
import renalseg.io.NiftiReader;
import renalseg.training.Checkpoint;
import renalseg.training.HistoryRow;
import renalseg.volume.LabelVolume;

/**
 * The cluster route as users take it: the application jar that {@code mvn -Pdist} builds ({@link DistJar}),
 * submitted with {@code submit/standalone} through a Spark distribution's {@code bin/spark-submit} (client
 * mode) to a standalone master and two 1-core workers on 127.0.0.1, each its own JVM ({@link StandaloneCluster}),
 * all eight stages; then the faults clusters have. One cluster serves the tests, in order: the later ones
 * work on the run folders of the earlier ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterPipelineTest {

    private static final int CASES = 5;
    private static final int BROKEN = 4;
    private static final long DRIVER_TIMEOUT_S = 900;

    @TempDir
    static Path tmp;

    private StandaloneCluster cluster;
    private Path jar;
    private Path config;
    private SparkSession spark;
    private String runA;
    private String runB;

    @BeforeAll
    void startCluster() throws Exception {
        Path cohort = PipelineTestSupport.cohort(tmp.resolve("cohort"), CASES, BROKEN);
        List<String> sets = PipelineTestSupport.tinySettings();
        // two training workers: the two executors here, local[2] in the comparison run
        sets.add("spark.training.workers=2");
        sets.add("cohort.uri=\"" + cohort.toUri() + "\"");
        config = tmp.resolve("cluster-test.conf");
        Files.write(config, sets);
        jar = DistJar.get();
        cluster = new StandaloneCluster(Files.createDirectories(tmp.resolve("cluster")), 2, 1, "1536m");
        spark = Sparks.session(new SparkSettings("local[2]", "StandaloneClusterPipelineTest",
            Map.of("spark.ui.enabled", "false")));
        runA = tmp.resolve("run-a").toString();
        runB = tmp.resolve("run-b").toString();
    }

    @AfterAll
    void stopCluster() {
        if (spark != null) {
            spark.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * All eight stages through submit/standalone, one executor JVM killed (-9) while the network trains:
     * Spark reruns its tasks on a replacement, both workers' executors average parameters, and the tables
     * agree with a local run of the same configuration.
     */
    @Test
    @Order(1)
    void allStagesOnTheClusterSurviveAnExecutorKilledInTrainAndAgreeWithALocalRun() throws Exception {
        long t0 = System.nanoTime();
        StandaloneSubmission s = StandaloneSubmission.start(cluster, jar, config, tmp.resolve("submit-a"), runA);
        s.awaitLog("renalseg: train: fine network:", DRIVER_TIMEOUT_S);
        // kill once a round checkpoint exists: rounds have then run on both executors (one task each), so the
        // assertion on both workers below does not hang on how fast the replacement executor starts (killed at
        // the first round, a replacement that came up after the last training task left one worker's name)
        awaitRoundCheckpoint(Path.of(runA), DRIVER_TIMEOUT_S);
        assertEquals(2, cluster.executors(s.appId()).size(), "two executor JVMs while training");
        s.killExecutor(cluster);
        assertEquals(0, s.await(DRIVER_TIMEOUT_S), s.output());
        double clusterSeconds = (System.nanoTime() - t0) / 1e9;
        String out = s.output();
        assertTrue(out.contains("renalseg: 8 stage(s) ran"), out);
        assertTrue(out.contains("Spark " + cluster.masterUrl), "the driver ran against the standalone master");

        SparkEventLog events = SparkEventLog.read(s.eventLogDir);
        assertEquals(2, events.workersOfStagesMentioning("ParameterAveraging").size(),
            "both workers' executors ran training tasks");
        assertTrue(events.removedExecutors.size() >= 1, "the killed executor was noticed");
        assertExactlyOnce(runA);

        long t1 = System.nanoTime();
        String local = tmp.resolve("run-local").toString();
        Config cfg = RenalsegConfig.load(config, List.of());
        Pipeline.Summary summary = new Pipeline(new PipelineContext(spark, cfg,
            new RunFolder(local, spark.sparkContext().hadoopConfiguration()), false)).run(Pipeline.select(List.of()), Set.of());
        assertEquals(8, summary.ran().size());
        double maxDiff = assertSameTables(local, runA, 0.02);
        System.err.printf("StandaloneClusterPipelineTest: cluster run %.0f s, local run %.0f s, dist jar build %.0f s, "
            + "max |Dice cluster - Dice local| %.4f, training and predictions identical: %s%n", clusterSeconds,
            (System.nanoTime() - t1) / 1e9, DistJar.buildSeconds, maxDiff, identical(local, runA));
    }

    /**
     * The driver killed (-9) after a round checkpoint: {@code pipeline --resume} on the same run folder
     * continues from that checkpoint (its history rows kept as they were, the rounds going on from there) and
     * ends with the tables of the uninterrupted run.
     */
    @Test
    @Order(2)
    void driverKilledInTrainResumesFromTheLastCheckpoint() throws Exception {
        StandaloneSubmission first = StandaloneSubmission.start(cluster, jar, config, tmp.resolve("submit-b1"), runB);
        Path firstCheckpoint = Path.of(runB, "checkpoints", Checkpoints.roundName(2));
        long end = System.currentTimeMillis() + DRIVER_TIMEOUT_S * 1000;
        while (!Files.exists(firstCheckpoint) && first.driver.isAlive() && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        assertTrue(first.driver.isAlive(), "the driver ended before the first checkpoint:\n" + first.output());
        first.killDriver();
        RunFolder folder = new RunFolder(runB, spark.sparkContext().hadoopConfiguration());
        Checkpoints checkpoints = new Checkpoints(folder);
        List<String> saved = checkpoints.rounds();
        assertFalse(saved.isEmpty());
        assertFalse(folder.stageDone("train"));
        String last = saved.get(saved.size() - 1);
        List<HistoryRow> before = checkpoints.read(last).history();
        assertTrue(before.size() >= 2, last + " holds " + before.size() + " rounds");
        assertFalse(Files.exists(Path.of(runB, "checkpoints", Checkpoints.FINAL)), "killed before the end of training");

        StandaloneSubmission resumed = StandaloneSubmission.start(cluster, jar, config, tmp.resolve("submit-b2"), runB,
            "--resume");
        assertEquals(0, resumed.await(DRIVER_TIMEOUT_S), resumed.output());
        assertTrue(resumed.output().contains("resuming from " + last), resumed.output());
        List<Row> history = folder.read(spark, "history").orderBy("round").collectAsList();
        Checkpoint fin = checkpoints.read(Checkpoints.FINAL);
        int rounds = fin.history().size();
        assertEquals(rounds, history.size());
        for (int i = 0; i < history.size(); i++) {
            assertEquals(i, history.get(i).getInt(0), "round numbers go on without restarting");
            if (i > 0) {
                assertTrue(history.get(i).getLong(1) > history.get(i - 1).getLong(1), "iterations increase");
            }
        }
        for (int i = 0; i < before.size(); i++) {
            // the rounds before the kill are the first driver's (its losses and times), not trained again
            assertEquals(before.get(i).loss(), history.get(i).getDouble(2), 0.0);
            assertEquals(before.get(i).timeS(), history.get(i).getDouble(5), 0.0);
        }
        assertEquals(before.get(before.size() - 1).iteration(), history.get(before.size() - 1).getLong(1));
        // sample n is a pure function of n and the checkpoint holds the updater's state: the resumed
        // training is the uninterrupted one, bit for bit (losses and voted labels)
        assertRunBIsRunA("the resumed run trained differently from the uninterrupted one");
    }

    /** Run B after a fault: each case once in every table, and the same results as run A, bit for bit. */
    private void assertRunBIsRunA(String otherwise) {
        assertExactlyOnce(runB);
        assertSameTables(runA, runB, 0.02);
        assertTrue(identical(runA, runB), otherwise);
    }

    /** An executor JVM killed (-9) while the test cases are segmented: each case once in every table. */
    @Test
    @Order(3)
    void executorKilledInInferLosesAndDuplicatesNothing() throws Exception {
        StandaloneSubmission s = StandaloneSubmission.start(cluster, jar, config, tmp.resolve("submit-c"), runB,
            "--redo", "infer,postprocess,evaluate");
        s.awaitLog("renalseg: stage infer ...", DRIVER_TIMEOUT_S);
        // the job that segments the ROIs has started (its stages are named after InferStage's repartition)
        s.awaitJobStart("repartition at InferStage", DRIVER_TIMEOUT_S);
        s.killExecutor(cluster);
        assertEquals(0, s.await(DRIVER_TIMEOUT_S), s.output());
        assertTrue(SparkEventLog.read(s.eventLogDir).removedExecutors.size() >= 1, "the killed executor was noticed");
        assertRunBIsRunA("the predictions made again differ");
    }

    /**
     * The driver killed (-9) while postprocess writes the NIfTI files: a rerun finishes the stage, and every
     * segmentation is a whole NIfTI file whose voxel counts are its row's, each case once.
     */
    @Test
    @Order(4)
    void driverKilledInPostprocessIsFinishedByARerun() throws Exception {
        StandaloneSubmission s = StandaloneSubmission.start(cluster, jar, config, tmp.resolve("submit-d1"), runB,
            "--redo", "postprocess,evaluate");
        s.awaitLog("renalseg: stage postprocess ...", DRIVER_TIMEOUT_S);
        Thread.sleep(1500);
        s.killDriver();
        RunFolder folder = new RunFolder(runB, spark.sparkContext().hadoopConfiguration());
        assertFalse(folder.stageDone("postprocess"));

        StandaloneSubmission rerun = StandaloneSubmission.start(cluster, jar, config, tmp.resolve("submit-d2"), runB);
        assertEquals(0, rerun.await(DRIVER_TIMEOUT_S), rerun.output());
        assertTrue(rerun.output().contains("renalseg: stage postprocess done"), rerun.output());
        assertExactlyOnce(runB);
        List<String> files;
        try (Stream<Path> list = Files.list(Path.of(runB, "segmentations"))) {
            // Hadoop's local file system keeps a .<name>.crc checksum beside each file it writes
            files = list.map(p -> p.getFileName().toString()).filter(n -> !n.matches("\\..*\\.crc")).sorted().toList();
        }
        List<Row> rows = folder.read(spark, "segmentations").orderBy("case_id").collectAsList();
        List<String> expected = rows.stream().map(r -> r.getString(0) + ".nii.gz").sorted().toList();
        assertEquals(expected, files, "one whole file per segmented case, nothing half-written beside them");
        for (Row r : rows) {
            LabelVolume seg = NiftiReader.readLabels(Path.of(runB, "segmentations", r.getString(0) + ".nii.gz"));
            long kidney = 0;
            long tumor = 0;
            for (byte b : seg.labels()) {
                kidney += b == LabelVolume.KIDNEY ? 1 : 0;
                tumor += b == LabelVolume.TUMOR ? 1 : 0;
            }
            assertEquals(r.getLong(3), kidney, r.getString(0));
            assertEquals(r.getLong(4), tumor, r.getString(0));
        }
    }

    /** Every case exactly once: in cases, and either segmented and evaluated or in failures, never both. */
    private void assertExactlyOnce(String run) {
        RunFolder f = new RunFolder(run, spark.sparkContext().hadoopConfiguration());
        List<String> cases = strings(f, "cases", "case_id");
        assertEquals(CASES, cases.size());
        assertEquals(CASES, new HashSet<>(cases).size(), "cases: " + cases);
        List<String> failed = strings(f, "failures", "case_id");
        assertEquals(List.of(String.format("case_%05d", BROKEN)), failed, "the truncated case fails once, in one stage");
        for (String table : List.of("rois", "inference_rois", "predictions")) {
            List<String> ids = strings(f, table, "roi_id");
            assertEquals(ids.size(), new HashSet<>(ids).size(), table + " holds an ROI twice: " + ids);
        }
        List<String> test = f.read(spark, "cases").where("split = 'test' and case_id != '"
            + failed.get(0) + "'").select("case_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        List<String> segmented = strings(f, "segmentations", "case_id");
        assertEquals(new HashSet<>(test), new HashSet<>(segmented));
        assertEquals(segmented.size(), new HashSet<>(segmented).size(), "segmentations: " + segmented);
        List<String> metricKeys = f.read(spark, "metrics").selectExpr("concat(case_id, '/', region)")
            .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertEquals(3 * segmented.size(), metricKeys.size(), "three regions per evaluated case: " + metricKeys);
        assertEquals(metricKeys.size(), new HashSet<>(metricKeys).size());
        assertEquals(8, table(f, "stages").count(), "one row per stage");
    }

    /** Same cases ok and failed, same ROIs, Dice per case and region within tol; returns the largest difference. */
    private double assertSameTables(String a, String b, double tol) {
        RunFolder fa = new RunFolder(a, spark.sparkContext().hadoopConfiguration());
        RunFolder fb = new RunFolder(b, spark.sparkContext().hadoopConfiguration());
        assertEquals(rowsOf(fa, "cases", "case_id", "split", "status"), rowsOf(fb, "cases", "case_id", "split", "status"));
        assertEquals(rowsOf(fa, "failures", "stage", "case_id", "error_type"),
            rowsOf(fb, "failures", "stage", "case_id", "error_type"));
        assertEquals(rowsOf(fa, "rois", "roi_id", "x0", "y0", "z0", "width", "height", "depth"),
            rowsOf(fb, "rois", "roi_id", "x0", "y0", "z0", "width", "height", "depth"));
        assertEquals(rowsOf(fa, "inference_rois", "roi_id", "roi_source"), rowsOf(fb, "inference_rois", "roi_id", "roi_source"));
        // the networks: the same loss in every averaging round (to float summation order: the local run's
        // single JVM and the executors do not add in the same order; measured 1.2e-4 apart)
        Map<String, Double> la = column(fa, "history", "cast(round as string)", "loss");
        Map<String, Double> lb = column(fb, "history", "cast(round as string)", "loss");
        assertEquals(la.keySet(), lb.keySet());
        la.forEach((round, loss) -> assertEquals(loss, lb.get(round), 1e-3, "loss of round " + round));
        // what they segment: the predicted volume per case and region within 1% (Dice alone says little
        // after a few rounds of training)
        Map<String, Double> va = column(fa, "metrics", "concat(case_id, '/', region)", "pred_ml");
        Map<String, Double> vb = column(fb, "metrics", "concat(case_id, '/', region)", "pred_ml");
        assertEquals(va.keySet(), vb.keySet());
        va.forEach((k, ml) -> assertEquals(ml, vb.get(k), 0.01 * Math.max(1, ml), "predicted ml of " + k));
        Map<String, Double> da = column(fa, "metrics", "concat(case_id, '/', region)", "dice");
        Map<String, Double> db = column(fb, "metrics", "concat(case_id, '/', region)", "dice");
        assertEquals(da.keySet(), db.keySet());
        double max = 0;
        for (String k : da.keySet()) {
            double x = da.get(k);
            double y = db.get(k);
            if (Double.isNaN(x) || Double.isNaN(y)) {
                assertEquals(Double.isNaN(x), Double.isNaN(y), k);
                continue;
            }
            max = Math.max(max, Math.abs(x - y));
            assertEquals(x, y, tol, "Dice of " + k);
        }
        return max;
    }

    /** Whether two runs have the same training losses per round and the same voted labels per ROI. */
    private boolean identical(String a, String b) {
        RunFolder fa = new RunFolder(a, spark.sparkContext().hadoopConfiguration());
        RunFolder fb = new RunFolder(b, spark.sparkContext().hadoopConfiguration());
        return rowsOf(fa, "history", "round", "loss").equals(rowsOf(fb, "history", "round", "loss"))
            && rowsOf(fa, "predictions", "roi_id", "sha2(labels, 256)").equals(rowsOf(fb, "predictions", "roi_id", "sha2(labels, 256)"));
    }

    /** key expression -> a double column (NaN where null), over one table. */
    private Map<String, Double> column(RunFolder f, String table, String key, String value) {
        Map<String, Double> out = new TreeMap<>();
        for (Row r : table(f, table).selectExpr(key, value).collectAsList()) {
            out.put(r.getString(0), r.isNullAt(1) ? Double.NaN : r.getDouble(1));
        }
        return out;
    }

    /** A table; failures and stages are written per stage (partitioned by it). */
    private org.apache.spark.sql.Dataset<Row> table(RunFolder f, String name) {
        return switch (name) {
            case "failures" -> f.readParts(spark, renalseg.tables.FailureRow.TABLE);
            case "stages" -> f.readParts(spark, renalseg.tables.StageRow.TABLE);
            default -> f.read(spark, name);
        };
    }

    private List<String> rowsOf(RunFolder f, String table, String... columns) {
        List<String> out = new ArrayList<>();
        for (Row r : table(f, table).selectExpr(columns).collectAsList()) {
            out.add(r.toString());
        }
        out.sort(null);
        return out;
    }

    private List<String> strings(RunFolder f, String table, String column) {
        return table(f, table).select(column).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }

    /** Waits until the run folder holds a round checkpoint of the fine network (checkpoints/round-N.zip). */
    private static void awaitRoundCheckpoint(Path run, long timeoutSeconds) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + timeoutSeconds * 1000;
        while (System.currentTimeMillis() < end) {
            if (PipelineTestSupport.hasRoundCheckpoint(run)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no round checkpoint in " + run + "/checkpoints after " + timeoutSeconds + " s");
    }
}
