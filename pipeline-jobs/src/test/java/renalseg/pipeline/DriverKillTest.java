package renalseg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.config.CredentialKeys;
import renalseg.io.AtomicFiles;

/**
 * The pipeline as a user runs it, a JVM of its own ({@code renalseg.cli.Main pipeline}), on a tiny cohort:
 * <ol>
 *   <li>an uninterrupted reference run, given every connector credential key of {@link CredentialKeys}
 *       through {@code --set spark.conf...}, {@code --conf} and the environment: none of the secret values
 *       appears in its stdout, stderr or any file of its run folder (tables, config.conf, report);</li>
 *   <li>a second run killed with SIGKILL during train and rerun with {@code --resume}; then, on the same
 *       folder, {@code --redo infer}, {@code --redo postprocess} and {@code --redo evaluate}, each killed
 *       during that stage and rerun plainly.</li>
 * </ol>
 * The killed-and-rerun folder must then hold the same tables as the reference (rows compared after sorting,
 * timing columns left out), the same segmentation files, byte for byte, and no temporary or partial file.
 * "Same": every row present once, values equal, doubles to 6 significant digits. Training on local[2] is
 * not bit-deterministic (measured: the loss of a round differs in the 8th digit between two uninterrupted
 * runs, parameter averaging sums in a different order), so losses are compared to 6 digits; segmentations
 * turned out byte-identical and are compared byte for byte.
 */
class DriverKillTest {

    @TempDir
    Path tmp;

    /** Columns that measure time or name the process (executor "pid@host"), not results. */
    private static final List<String> TIMING = List.of("started_at", "seconds", "time_s", "samples_per_s", "executor");

    @Test
    void killedAnywhereThenRerunEqualsUninterruptedAndLeaksNoCredential() throws Exception {
        Path cohort = PipelineTestSupport.cohort(tmp.resolve("cohort"), 4, -1);
        Map<String, String> secrets = CredentialKeys.secrets();
        List<String> base = new ArrayList<>(List.of("pipeline", "--cohort", cohort.toString()));
        for (String s : PipelineTestSupport.tinySettings()) {
            base.add("--set");
            base.add(s);
        }
        // 12 training rounds, a checkpoint every 2: the kill in train lands between two of them
        base.addAll(List.of("--set", "train.iterations-per-epoch=48", "--set", "split.test-cases=1",
            "--set", "localizer.enabled=false",
            "--set", "postprocess.crf.enabled=false", "--conf", "spark.ui.enabled=false"));
        List<String> withSecrets = new ArrayList<>(base);
        int i = 0;
        for (Map.Entry<String, String> e : secrets.entrySet()) {
            if (i++ % 2 == 0) {
                withSecrets.addAll(List.of("--set", "spark.conf.\"spark.hadoop." + e.getKey() + "\"=\"" + e.getValue() + "\""));
            } else {
                withSecrets.addAll(List.of("--conf", "spark.hadoop." + e.getKey() + "=" + e.getValue()));
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String v : List.of("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID",
            "AZURE_STORAGE_KEY", "AZURE_CLIENT_SECRET", "GOOGLE_CLOUD_PRIVATE_KEY")) {
            env.put(v, "EnvSeCrEt-" + v.toLowerCase());
        }

        // 1. the reference, with every credential given three ways
        Path ref = tmp.resolve("ref");
        Done r = run(args(withSecrets, "--run", ref.toString()), env, tmp.resolve("ref.log"), null);
        assertEquals(0, r.code(), r.err());
        List<String> leaks = new ArrayList<>();
        List<String> values = new ArrayList<>(secrets.values());
        values.addAll(env.values());
        for (String v : values) {
            if (r.out().contains(v) || r.err().contains(v)) {
                leaks.add(v + " in stdout/stderr");
            }
        }
        try (Stream<Path> files = Files.walk(ref)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String v : values) {
                    if (text.contains(v)) {
                        leaks.add(v + " in " + ref.relativize(f));
                    }
                }
            }
        }
        assertEquals(List.of(), leaks);
        assertTrue(Files.readString(ref.resolve("config.conf")).contains("***"), "the credentials are masked, not dropped");
        assertTrue(Files.exists(ref.resolve("report/index.html")));

        // 2. killed during each stage, rerun
        Path run = tmp.resolve("killed");
        List<String> plain = args(base, "--run", run.toString());
        Done k = run(plain, Map.of(), tmp.resolve("k-train.log"), "train");
        assertTrue(k.killed(), "killed during train: " + k.err());
        assertEquals(0, run(args(plain, "--resume"), Map.of(), tmp.resolve("k-train-rerun.log"), null).code());
        for (String stage : List.of("infer", "postprocess", "evaluate")) {
            Done d = run(args(plain, "--redo", stage), Map.of(), tmp.resolve("k-" + stage + ".log"), stage);
            assertTrue(d.killed(), "killed during " + stage + ": " + d.err());
            Done again = run(plain, Map.of(), tmp.resolve("k-" + stage + "-rerun.log"), null);
            assertEquals(0, again.code(), again.err());
            assertTrue(again.err().contains("renalseg: stage " + stage + " ..."), stage + " was redone: " + again.err());
        }

        // 3. the same tables and files as the uninterrupted run, and nothing partial
        try (Stream<Path> files = Files.walk(run)) {
            List<String> partial = files.map(p -> run.relativize(p).toString())
                .filter(n -> n.contains(AtomicFiles.TMP_PREFIX) || n.endsWith(".tmp") || n.endsWith(RunLock.FILE)).toList();
            assertEquals(List.of(), partial);
        }
        assertEquals(listing(ref.resolve("segmentations")), listing(run.resolve("segmentations")));
        for (String name : listing(ref.resolve("segmentations"))) {
            assertTrue(Arrays.equals(Files.readAllBytes(ref.resolve("segmentations").resolve(name)),
                Files.readAllBytes(run.resolve("segmentations").resolve(name))), name);
        }
        assertEquals(listing(ref.resolve("tables")), listing(run.resolve("tables")));
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
        try {
            for (String table : listing(ref.resolve("tables"))) {
                assertEquals(rows(spark, ref, table), rows(spark, run, table), "table " + table);
            }
        } finally {
            spark.stop();
        }
    }

    private static List<String> args(List<String> base, String... more) {
        List<String> a = new ArrayList<>(base);
        a.addAll(List.of(more));
        return a;
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && !n.startsWith("_")).sorted()
                .toList();
        }
    }

    /**
     * The table's rows, timing columns left out, each as text with the run folder's own path replaced by
     * "RUN" (segmentation URIs), sorted; duplicates kept (they must match too).
     */
    private static List<String> rows(SparkSession spark, Path runDir, String name) {
        var df = spark.read().parquet(runDir.resolve("tables").resolve(name).toString());
        String root = runDir.toString();
        for (String c : TIMING) {
            if (Arrays.asList(df.columns()).contains(c)) {
                df = df.drop(c);
            }
        }
        List<String> out = new ArrayList<>();
        for (Row r : df.collectAsList()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.length(); i++) {
                Object v = r.get(i);
                sb.append(v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.6g", d)
                    : v instanceof byte[] b ? "bytes#" + Arrays.hashCode(b) : String.valueOf(v).replace(root, "RUN"))
                    .append('|');
            }
            out.add(sb.toString());
        }
        out.sort(null);
        return out;
    }

    record Done(int code, String out, String err, boolean killed) {
    }

    /**
     * Runs the pipeline in its own JVM; with {@code killDuring}, sends SIGKILL once stderr shows that stage
     * started and has had a moment to write (the JVM gets no chance to clean up, as with kill -9).
     */
    private Done run(List<String> args, Map<String, String> env, Path log, String killDuring) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Loopback.java());
        cmd.add("-Xmx2g");
        cmd.addAll(List.of(System.getProperty("renalseg.java17.opens", "").split(" ")).stream()
            .filter(s -> !s.isBlank()).toList());
        cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir",
            System.getProperty("user.home") + "/.javacpp/cache"));
        cmd.add("-cp");
        cmd.add(String.join(java.io.File.pathSeparator, Loopback.testClasspath()));
        cmd.add("renalseg.cli.Main");
        cmd.addAll(args);
        Path out = Path.of(log + ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(out.toFile());
        pb.environment().putAll(env);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        boolean killed = false;
        long end = System.currentTimeMillis() + 15 * 60_000;
        try {
            while (p.isAlive() && System.currentTimeMillis() < end) {
                if (killDuring != null && Files.readString(log, StandardCharsets.ISO_8859_1)
                    .contains("renalseg: stage " + killDuring + " ...")
                    && (!"train".equals(killDuring) || roundCheckpointWritten(args))) {
                    // inside the stage, before its done marker: train once a round checkpoint exists (so that
                    // --resume has one to continue from), the others a little after their start
                    Thread.sleep("train".equals(killDuring) ? 0 : 1_500);
                    if (p.isAlive() && !Files.readString(log, StandardCharsets.ISO_8859_1)
                        .contains("renalseg: stage " + killDuring + " done")) {
                        p.destroyForcibly(); // SIGKILL
                        killed = true;
                    }
                    break;
                }
                Thread.sleep(200);
            }
            p.waitFor(15, TimeUnit.MINUTES);
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor();
            }
        }
        return new Done(killed ? -9 : p.exitValue(), Files.readString(out), Files.readString(log), killed);
    }

    /** Whether the run folder named by {@code --run} in {@code args} holds a round checkpoint yet. */
    private static boolean roundCheckpointWritten(List<String> args) throws IOException {
        return PipelineTestSupport.hasRoundCheckpoint(Path.of(args.get(args.indexOf("--run") + 1)));
    }
}
