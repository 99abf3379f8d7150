package renalseg.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code submit/standalone} run against a {@link StandaloneCluster}, as a user starts it: the wrapper
 * execs spark-submit, which (client mode) becomes the driver's JVM, so the process is the driver. Its
 * output goes to a log that {@link #awaitLog} watches, e.g. to kill something when a stage starts.
 */
final class StandaloneSubmission {

    final Process driver;
    final Path log;
    final Path eventLogDir;
    final long startedMillis = System.currentTimeMillis();

    private StandaloneSubmission(Process driver, Path log, Path eventLogDir) {
        this.driver = driver;
        this.log = log;
        this.eventLogDir = eventLogDir;
    }

    /**
     * Starts {@code submit/standalone --run RUN ARGS...} with the configuration file, the application jar,
     * two 1-core executors of 1 GB and Spark's event log (for which executor ran what) in
     * {@code <work>/events}.
     */
    static StandaloneSubmission start(StandaloneCluster cluster, Path jar, Path config, Path work, String run,
                                      String... pipelineArgs) throws IOException {
        Files.createDirectories(work);
        Path events = Files.createDirectories(work.resolve("events"));
        List<String> cmd = new ArrayList<>(List.of(DistJar.root().resolve("submit/standalone").toString(), "--run", run));
        cmd.addAll(List.of(pipelineArgs));
        Path log = work.resolve("driver.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.putAll(environment(cluster, jar, config));
        env.put("SPARK_SUBMIT_EXTRA", "--conf spark.ui.enabled=false --conf spark.eventLog.enabled=true"
            + " --conf spark.eventLog.dir=" + events.toUri());
        return new StandaloneSubmission(pb.start(), log, events);
    }

    /** The wrapper's environment for this cluster (what docs/cluster.md shows, sized for the tests). */
    static Map<String, String> environment(StandaloneCluster cluster, Path jar, Path config) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("SPARK_HOME", cluster.spark.home.toString());
        env.put("SPARK_MASTER", cluster.masterUrl);
        env.put("RENALSEG_JAR", jar.toString());
        env.put("RENALSEG_CONFIG", config.toString());
        env.put("EXECUTORS", "2");
        env.put("EXECUTOR_CORES", "1");
        env.put("EXECUTOR_MEMORY", "1g");
        env.put("EXECUTOR_OVERHEAD", "512m");
        env.put("DRIVER_MEMORY", "1536m");
        env.put("SPARK_LOCAL_IP", Loopback.HOST);
        // the natives the other tests unpacked already (the wrappers' default is /tmp/javacpp-cache)
        env.put("RENALSEG_NATIVE_CACHE", System.getProperty("org.bytedeco.javacpp.cachedir",
            System.getProperty("user.home") + "/.javacpp/cache"));
        return env;
    }

    /** Waits until the driver's output holds {@code text}; fails if the driver ends first. */
    void awaitLog(String text, long timeoutSeconds) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + timeoutSeconds * 1000;
        while (System.currentTimeMillis() < end) {
            if (Files.exists(log) && read(log).contains(text)) {
                return;
            }
            if (!driver.isAlive()) {
                throw new AssertionError("the driver ended (" + driver.exitValue() + ") before printing '" + text
                    + "':\n" + Loopback.tail(log));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + text + "' from the driver in " + timeoutSeconds + " s:\n" + Loopback.tail(log));
    }

    /** The application's id (its event log's name), once the driver has registered it. */
    String appId() throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + 600_000;
        while (System.currentTimeMillis() < end) {
            try (java.util.stream.Stream<Path> s = Files.list(eventLogDir)) {
                java.util.Optional<String> id = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("app-")).map(n -> n.replace(".inprogress", "")).findFirst();
                if (id.isPresent()) {
                    return id.get();
                }
            }
            if (!driver.isAlive()) {
                throw new AssertionError("the driver ended before registering:\n" + Loopback.tail(log));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no application id after 10 min:\n" + Loopback.tail(log));
    }

    /**
     * kill -9 of one of this application's executor JVMs, once it has one; returns the killed process's
     * id. Waits for executors that a worker is still starting.
     */
    long killExecutor(StandaloneCluster cluster) throws IOException, InterruptedException {
        String app = appId();
        long end = System.currentTimeMillis() + 600_000;
        while (System.currentTimeMillis() < end) {
            List<ProcessHandle> executors = cluster.executors(app);
            if (!executors.isEmpty()) {
                ProcessHandle victim = executors.get(0);
                victim.destroyForcibly();
                victim.onExit().join();
                System.err.println("StandaloneSubmission: killed executor JVM " + victim.pid() + " of " + app);
                return victim.pid();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no executor of " + app + " to kill");
    }

    /**
     * Waits until Spark's event log has a job start naming a stage that mentions {@code stageText} (job
     * starts are flushed to the log at once, unlike task events): that job's tasks are then being launched.
     */
    void awaitJobStart(String stageText, long timeoutSeconds) throws IOException, InterruptedException {
        Path file = eventLogDir.resolve(appId() + ".inprogress");
        long end = System.currentTimeMillis() + timeoutSeconds * 1000;
        while (System.currentTimeMillis() < end) {
            if (Files.exists(file) && read(file).lines()
                .anyMatch(l -> l.contains("\"SparkListenerJobStart\"") && l.contains(stageText))) {
                return;
            }
            if (!driver.isAlive()) {
                throw new AssertionError("the driver ended before a job with '" + stageText + "':\n" + Loopback.tail(log));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no job with '" + stageText + "' in " + timeoutSeconds + " s:\n" + Loopback.tail(log));
    }

    /** Waits for the driver to end; returns its exit code. */
    int await(long timeoutSeconds) throws InterruptedException {
        if (!driver.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            driver.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("the driver did not end in " + timeoutSeconds + " s:\n" + Loopback.tail(log));
        }
        return driver.exitValue();
    }

    /** kill -9 of the driver's JVM (the wrapper and spark-class exec'd into it). */
    void killDriver() throws InterruptedException {
        driver.destroyForcibly();
        driver.waitFor(30, TimeUnit.SECONDS);
    }

    String output() throws IOException {
        return read(log);
    }

    /** A file being written: a multi-byte character cut at its end must not fail the read. */
    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8);
    }
}
