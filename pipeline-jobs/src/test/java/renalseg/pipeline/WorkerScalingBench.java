package renalseg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.config.RenalsegConfig;
import renalseg.networks.FcnPpm;
import renalseg.networks.ModelSpec;
import renalseg.networks.NativeThreads;
import renalseg.plan.SegmentationPlan;
import renalseg.synth.PhantomSize;
import renalseg.synth.SyntheticCohort;
import renalseg.training.Checkpoint;
import renalseg.training.TrainSettings;
import renalseg.training.TrainingPosition;

/**
 * Issue 16 item 4, a benchmark and not a CI test (surefire's default includes skip the name; run it with
 * {@code bench/workers-scaling.sh} or {@code -Dtest=WorkerScalingBench}): preprocess and infer on 1 and on 2
 * standalone workers of 1 core each on 127.0.0.1, one 1-core executor per worker, submitted with
 * {@code submit/standalone} and the application jar as users run it. Runs interleave (1, 2, 1, 2, ...) so both
 * see the same load on a shared host; each run gets a fresh cluster and run folder. The seconds are the
 * pipeline's own record ({@code <run>/_done/<stage>}, as in the stages table). Prints (and appends to
 * {@code bench.out}) a JSON line per run, one for the native threads a task gets on a 1-core executor, and a
 * summary with the medians and the (preprocess + infer) speed-up. Asserts sanity only, never a speed.
 *
 * <p>System properties: bench.cases (8), bench.size (small | standard), bench.reps (2), bench.out (JSON lines
 * file, default target/worker-scaling.jsonl), bench.set (extra pipeline settings, ';'-separated),
 * bench.pretrained (a run's checkpoints folder to infer with instead of an untrained network), bench.dir (work
 * folder to keep; default a temporary one), bench.timeout-s (per run, 1800).
 */
class WorkerScalingBench {

    private static final List<String> STAGES = List.of("ingest", "preprocess", "train", "localize", "infer");
    private static final Pattern STAGE_DONE =
        Pattern.compile("renalseg: stage (\\w+) done in \\S+: (\\d+) ok, (\\d+) failed");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void preprocessAndInferOnOneAndTwoWorkers() throws Exception {
        int cases = Integer.getInteger("bench.cases", 8);
        PhantomSize size = PhantomSize.valueOf(System.getProperty("bench.size", "small").toUpperCase(Locale.ROOT));
        int reps = Integer.getInteger("bench.reps", 2);
        long timeoutS = Long.getLong("bench.timeout-s", 1800);
        Path out = Path.of(System.getProperty("bench.out", "target/worker-scaling.jsonl")).toAbsolutePath();
        Path work = System.getProperty("bench.dir") == null ? tmp
            : Files.createDirectories(Path.of(System.getProperty("bench.dir")).toAbsolutePath());
        Files.createDirectories(out.getParent());
        Files.deleteIfExists(out);

        Path cohort = work.resolve("cohort");
        SyntheticCohort.write(cohort, cases, 11, size);
        List<String> sets = new ArrayList<>(List.of("model.preset=small", "roi.source=labels",
            "cohort.uri=\"" + cohort.toUri() + "\""));
        if (size == PhantomSize.SMALL) {
            // the tests' ROI window for SMALL phantoms (96 x 96 in-plane; the default 150 is for clinical scans)
            sets.add("roi.in-plane=48");
        }
        for (String s : System.getProperty("bench.set", "").split(";")) {
            if (!s.isBlank()) {
                sets.add(s.trim());
            }
        }
        Path config = work.resolve("bench.conf");
        Files.write(config, sets);
        String given = System.getProperty("bench.pretrained");
        Path pretrained = given != null ? Path.of(given).toAbsolutePath()
            : untrainedCheckpoint(config, Files.createDirectories(work.resolve("pretrained")));
        Path jar = DistJar.get();
        SparkDistribution spark = SparkDistribution.create(work.resolve("spark-home"));

        List<Map<String, Object>> runs = new ArrayList<>();
        Map<String, Object> threads = null;
        for (int rep = 0; rep < reps; rep++) {
            for (int workers = 1; workers <= 2; workers++) {
                String name = "w" + workers + "-r" + rep;
                boolean last = rep == reps - 1 && workers == 2;
                Path clusterDir = Files.createDirectories(work.resolve(name + "/cluster"));
                try (StandaloneCluster cluster = new StandaloneCluster(clusterDir, spark,
                    StandaloneCluster.Options.of(workers, 1, "1536m"))) {
                    Map<String, Object> row = run(cluster, jar, config, pretrained, work.resolve(name), workers, rep,
                        cases, timeoutS);
                    runs.add(row);
                    emit(out, row);
                    if (last) {
                        // after the timed runs, so that it disturbs none of them
                        threads = threadProbe(cluster, jar, work.resolve("probe"));
                        emit(out, threads);
                    }
                }
            }
        }
        emit(out, summary(runs, cases, size, reps, threads));
    }

    /**
     * The small preset, untrained, as {@code bench case} does (weights do not change the cost of preprocess
     * or infer), with the plan of the bench's configuration: what {@code --pretrained} takes.
     */
    private static Path untrainedCheckpoint(Path config, Path dir) throws IOException {
        Config cfg = RenalsegConfig.load(config, List.of());
        ModelSpec spec = ModelSpec.load(cfg.getString("model.preset"));
        TrainSettings ts = TrainSettings.from(cfg);
        new Checkpoint(FcnPpm.build(spec, ts.networkSetup()), spec, ts, 0.3, TrainingPosition.start(), List.of(),
            SegmentationPlan.from(cfg)).write(dir.resolve(Checkpoints.FINAL));
        return dir;
    }

    /** One submit/standalone run of the stages up to infer; its stage seconds and the 1-minute load average. */
    private static Map<String, Object> run(StandaloneCluster cluster, Path jar, Path config, Path pretrained, Path dir,
                                           int workers, int rep, int cases, long timeoutS) throws Exception {
        Path runDir = dir.resolve("run");
        Path log = dir.resolve("driver.log");
        List<String> cmd = List.of(DistJar.root().resolve("submit/standalone").toString(), "--run", runDir.toString(),
            "--stages", String.join(",", STAGES), "--pretrained", pretrained.toUri().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.putAll(StandaloneSubmission.environment(cluster, jar, config));
        // one 1-core executor per worker (the shared environment asks for 2 whatever the cluster)
        env.put("EXECUTORS", String.valueOf(workers));
        env.put("SPARK_SUBMIT_EXTRA", "--conf spark.ui.enabled=false");
        double load0 = load1();
        long t0 = System.nanoTime();
        Process driver = pb.start();
        if (!driver.waitFor(timeoutS, TimeUnit.SECONDS)) {
            driver.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("the driver did not end in " + timeoutS + " s:\n" + Loopback.tail(log));
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, driver.exitValue(), "the run " + dir + " failed:\n" + Loopback.tail(log));

        String text = Files.readString(log, StandardCharsets.UTF_8);
        Map<String, long[]> counts = new LinkedHashMap<>();
        Matcher m = STAGE_DONE.matcher(text);
        while (m.find()) {
            counts.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
        }
        assertEquals(STAGES, List.copyOf(counts.keySet()), "every stage ran:\n" + Loopback.tail(log));
        counts.forEach((stage, c) -> assertEquals(0, c[1], stage + ": failed cases (" + runDir + "/tables/failures)"));
        assertEquals(cases, counts.get("preprocess")[0], "every case preprocessed");
        assertTrue(counts.get("infer")[0] >= cases, "every case inferred (at least one ROI each): "
            + counts.get("infer")[0]);

        Map<String, Object> row = new LinkedHashMap<>();
        row.put("workers", workers);
        row.put("rep", rep);
        row.put("preprocess_s", round(stageSeconds(runDir, "preprocess")));
        row.put("infer_s", round(stageSeconds(runDir, "infer")));
        row.put("ingest_s", round(stageSeconds(runDir, "ingest")));
        row.put("rois", counts.get("infer")[0]);
        row.put("submit_s", round(wall));
        row.put("load1_before", load0);
        row.put("load1", load1());
        return row;
    }

    /** The pipeline's record of a stage's seconds: {@code <run>/_done/<stage>} (the stages table's value). */
    private static double stageSeconds(Path run, String stage) throws IOException {
        Path done = run.resolve("_done").resolve(stage);
        assertTrue(Files.exists(done), stage + " not marked done in " + run);
        return JSON.readTree(Files.readString(done)).get("seconds").asDouble();
    }

    /**
     * What a task on a 1-core executor of this cluster binds ({@link TaskSlot#bind}, as every per-case task
     * does): its CPUs, native threads and libnd4j's operation threads. The probe class travels in a jar of its
     * own beside the application jar (test classes are not in it).
     */
    private static Map<String, Object> threadProbe(StandaloneCluster cluster, Path jar, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path probeJar = dir.resolve("probe.jar");
        String entry = ThreadProbe.class.getName().replace('.', '/') + ".class";
        Path classes = Path.of(java.net.URI.create(
            ThreadProbe.class.getProtectionDomain().getCodeSource().getLocation().toString()));
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(probeJar))) {
            j.putNextEntry(new JarEntry(entry));
            j.write(Files.readAllBytes(classes.resolve(entry)));
            j.closeEntry();
        }
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.jars", jar.toUri() + "," + probeJar.toUri());
        conf.put("spark.driver.host", Loopback.HOST);
        conf.put("spark.driver.bindAddress", Loopback.HOST);
        conf.put("spark.executor.memory", "1g");
        // what submit/standalone asks for: 1-core executors, spark.task.cpus left at 1
        conf.put("spark.executor.cores", "1");
        conf.put("spark.cores.max", "1");
        conf.put("spark.executor.extraJavaOptions", System.getProperty("renalseg.java17.opens", "")
            + " -Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir",
            System.getProperty("user.home") + "/.javacpp/cache"));
        SparkSession session = Sparks.session(new SparkSettings(cluster.masterUrl, "WorkerScalingBench-threads", conf));
        try {
            String seen = JavaSparkContext.fromSparkContext(session.sparkContext())
                .parallelize(List.of(1), 1).mapPartitions(new ThreadProbe()).collect().get(0);
            @SuppressWarnings("unchecked")
            Map<String, Object> row = JSON.readValue(seen, LinkedHashMap.class);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("threads_per_task", row);
            int cpus = ((Number) row.get("task_cpus")).intValue();
            assertEquals(1, cpus, "a task of a 1-core executor holds 1 CPU");
            assertEquals(cpus, ((Number) row.get("task_threads")).intValue(), "native threads = the task's CPUs");
            assertEquals(cpus, ((Number) row.get("nd4j_op_threads")).intValue(), "libnd4j's threads per operation");
            return out;
        } finally {
            session.stop();
        }
    }

    /** Runs on the executor: the binding a pipeline task makes, as JSON. */
    static final class ThreadProbe implements FlatMapFunction<Iterator<Integer>, String> {
        @Override
        public Iterator<String> call(Iterator<Integer> ignored) {
            TaskSlot.Binding b = TaskSlot.bind();
            return List.of(String.format(Locale.ROOT,
                "{\"executor_id\":\"%s\",\"task_cpus\":%d,\"task_threads\":%d,\"nd4j_op_threads\":%d,"
                    + "\"nd4j_pool\":%d,\"jvm_cores\":%d,\"omp_num_threads_env\":\"%s\"}",
                b.executorId(), org.apache.spark.TaskContext.get().cpus(), b.threads(), NativeThreads.current(),
                NativeThreads.pool(), Runtime.getRuntime().availableProcessors(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", ""))).iterator();
        }
    }

    /** Medians per worker count and the speed-up of their (preprocess + infer) seconds from 1 to 2 workers. */
    private static Map<String, Object> summary(List<Map<String, Object>> runs, int cases, PhantomSize size, int reps,
                                               Map<String, Object> threads) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("bench", "workers-scaling");
        s.put("cases", cases);
        s.put("size", size.name().toLowerCase(Locale.ROOT));
        s.put("reps", reps);
        Map<String, Double> both = new LinkedHashMap<>();
        for (int w = 1; w <= 2; w++) {
            int workers = w;
            List<Map<String, Object>> of = runs.stream().filter(r -> (int) r.get("workers") == workers).toList();
            assertFalse(of.isEmpty());
            Map<String, Object> med = new LinkedHashMap<>();
            med.put("preprocess_s", round(median(of, r -> (double) r.get("preprocess_s"))));
            med.put("infer_s", round(median(of, r -> (double) r.get("infer_s"))));
            double sum = median(of, r -> (double) r.get("preprocess_s") + (double) r.get("infer_s"));
            med.put("preprocess_infer_s", round(sum));
            med.put("load1", round(median(of, r -> (double) r.get("load1"))));
            both.put(String.valueOf(w), sum);
            s.put("median_" + w + "_worker" + (w > 1 ? "s" : ""), med);
        }
        s.put("speedup_preprocess_infer", round(both.get("1") / both.get("2")));
        s.put("target", 1.8);
        s.put("cores", Runtime.getRuntime().availableProcessors());
        if (threads != null) {
            s.putAll(threads);
        }
        return s;
    }

    private static double median(List<Map<String, Object>> rows,
                                 java.util.function.ToDoubleFunction<Map<String, Object>> f) {
        double[] v = rows.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void emit(Path out, Map<String, Object> row) throws IOException {
        String line = JSON.writeValueAsString(row);
        System.out.println(line);
        Files.writeString(out, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
    }

    private static double load1() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException notLinux) {
            return -1;
        }
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
