package renalseg.pipeline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone cluster on 127.0.0.1: one master and workers, each its own JVM, started the way
 * sbin/start-master.sh and sbin/start-worker.sh start them ({@code bin/spark-class
 * org.apache.spark.deploy.master.Master} / {@code ...worker.Worker}) from a {@link SparkDistribution}. The
 * workers' executors are separate JVMs again, with the distribution's jars only: renalseg comes through the
 * application jar the driver ships. Reusable: {@link Options} sets workers, cores, memory and the daemons'
 * environment (e.g. {@code SPARK_WORKER_OPTS} with {@code -Dspark.worker.resource.gpu.*} for GPUs).
 */
final class StandaloneCluster implements AutoCloseable {

    /** Workers, cores and memory per worker, extra environment of the master and workers. */
    record Options(int workers, int coresPerWorker, String memoryPerWorker, Map<String, String> env) {

        static Options of(int workers, int coresPerWorker, String memoryPerWorker) {
            return new Options(workers, coresPerWorker, memoryPerWorker, Map.of());
        }

        Options withEnv(Map<String, String> more) {
            Map<String, String> e = new HashMap<>(env);
            e.putAll(more);
            return new Options(workers, coresPerWorker, memoryPerWorker, e);
        }
    }

    final String masterUrl;
    final SparkDistribution spark;
    final Path workDir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workerProcesses = new ArrayList<>();
    private final int masterUi;

    StandaloneCluster(Path workDir, int workers, int coresPerWorker, String memoryPerWorker)
        throws IOException, InterruptedException {
        this(workDir, Options.of(workers, coresPerWorker, memoryPerWorker));
    }

    /** {@code workerOptions}: extra JVM options of the workers, e.g. -Dspark.worker.resource.gpu.amount=2. */
    StandaloneCluster(Path workDir, int workers, int coresPerWorker, String memoryPerWorker, List<String> workerOptions)
        throws IOException, InterruptedException {
        this(workDir, Options.of(workers, coresPerWorker, memoryPerWorker)
            .withEnv(Map.of("SPARK_WORKER_OPTS", String.join(" ", workerOptions))));
    }

    StandaloneCluster(Path workDir, Options options) throws IOException, InterruptedException {
        this(workDir, SparkDistribution.create(workDir.resolve("spark-home")), options);
    }

    StandaloneCluster(Path workDir, SparkDistribution spark, Options options) throws IOException, InterruptedException {
        this.workDir = workDir;
        this.spark = spark;
        int port = Loopback.freePort();
        masterUi = Loopback.freePort();
        masterUrl = "spark://" + Loopback.HOST + ":" + port;
        try {
            Path masterLog = workDir.resolve("master.log");
            Process master = start(options, masterLog, "org.apache.spark.deploy.master.Master",
                "--host", Loopback.HOST, "--port", String.valueOf(port), "--webui-port", String.valueOf(masterUi));
            Loopback.awaitPort(port, master, 120_000, masterLog);
            for (int i = 0; i < options.workers(); i++) {
                Path wdir = Files.createDirectories(workDir.resolve("worker-" + i));
                int wport = Loopback.freePort();
                Path log = workDir.resolve("worker-" + i + ".log");
                Process w = start(options, log, "org.apache.spark.deploy.worker.Worker", "--host", Loopback.HOST,
                    "--port", String.valueOf(wport), "--webui-port", String.valueOf(Loopback.freePort()),
                    "--cores", String.valueOf(options.coresPerWorker()), "--memory", options.memoryPerWorker(),
                    "--work-dir", wdir.toString(), masterUrl);
                workerProcesses.add(w);
                Loopback.awaitPort(wport, w, 120_000, log);
            }
            awaitWorkers(options.workers(), 120_000);
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private Process start(Options options, Path log, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(spark.home.resolve("bin/spark-class").toString(), main));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("SPARK_HOME", spark.home.toString());
        env.put("SPARK_LOCAL_IP", Loopback.HOST);
        env.put("SPARK_DAEMON_MEMORY", "384m");
        env.put("SPARK_DAEMON_JAVA_OPTS", System.getProperty("renalseg.java17.opens", ""));
        env.put("SPARK_EXECUTOR_DIRS", spark.home.resolve("local").toString());
        // ND4J's OpenMP threads: passive waits on a shared host (as the launcher and the tests do)
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        env.putAll(options.env());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** The executor JVMs the workers run now for application {@code appId}, e.g. to kill one. */
    List<ProcessHandle> executors(String appId) {
        List<ProcessHandle> out = new ArrayList<>();
        for (Process w : workerProcesses) {
            w.descendants().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().arguments().map(a -> String.join(" ", a))
                    .or(() -> h.info().commandLine())
                    .map(c -> c.contains("CoarseGrainedExecutorBackend") && c.contains(appId)).orElse(false))
                .forEach(out::add);
        }
        return out;
    }

    /** Polls the master's JSON status until the workers are ALIVE. */
    private void awaitWorkers(int n, long timeoutMillis) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long end = System.currentTimeMillis() + timeoutMillis;
        String body = "";
        while (System.currentTimeMillis() < end) {
            try {
                body = http.send(HttpRequest.newBuilder(URI.create("http://" + Loopback.HOST + ":" + masterUi + "/json/")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
                int alive = body.split("\"state\"\\s*:\\s*\"ALIVE\"", -1).length - 1;
                if (alive >= n) {
                    return;
                }
            } catch (IOException notYet) {
                // master UI not up yet
            }
            Thread.sleep(500);
        }
        throw new IOException("standalone workers did not register in time: " + body);
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            List<ProcessHandle> children = p.descendants().toList();
            Loopback.stop(p);
            // executors a worker leaves behind when stopped hard
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
