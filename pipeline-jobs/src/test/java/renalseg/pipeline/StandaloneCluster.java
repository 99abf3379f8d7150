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
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone cluster on 127.0.0.1: one master and workers, each in its own JVM started from the
 * Maven classpath. The workers' executors are separate JVMs again; they get the third-party jars (what a
 * cluster's Spark installation plus the shaded jar would give) through SPARK_DIST_CLASSPATH, and renalseg's
 * own classes only through the application jar the driver ships (spark.jars).
 */
final class StandaloneCluster implements AutoCloseable {

    final String masterUrl;
    private final List<Process> processes = new ArrayList<>();
    private final int masterUi;

    StandaloneCluster(Path workDir, int workers, int coresPerWorker, String memoryPerWorker)
        throws IOException, InterruptedException {
        this(workDir, workers, coresPerWorker, memoryPerWorker, List.of());
    }

    /** {@code workerOptions}: extra JVM options of the workers, e.g. -Dspark.worker.resource.gpu.amount=2. */
    StandaloneCluster(Path workDir, int workers, int coresPerWorker, String memoryPerWorker, List<String> workerOptions)
        throws IOException, InterruptedException {
        List<String> cp = Loopback.testClasspath();
        // third-party jars only: renalseg's classes must come from the application jar
        List<String> jars = cp.stream().filter(p -> p.endsWith(".jar")).toList();
        String classpath = String.join(java.io.File.pathSeparator, jars);
        Path sparkHome = Files.createDirectories(workDir.resolve("spark-home"));
        int port = Loopback.freePort();
        masterUi = Loopback.freePort();
        masterUrl = "spark://" + Loopback.HOST + ":" + port;
        Path masterLog = workDir.resolve("master.log");
        Process master = start(classpath, sparkHome, masterLog, List.of(), "org.apache.spark.deploy.master.Master",
            "--host", Loopback.HOST, "--port", String.valueOf(port), "--webui-port", String.valueOf(masterUi));
        Loopback.awaitPort(port, master, 90_000, masterLog);
        for (int i = 0; i < workers; i++) {
            Path wdir = Files.createDirectories(workDir.resolve("worker-" + i));
            int wport = Loopback.freePort();
            Process w = start(classpath, sparkHome, workDir.resolve("worker-" + i + ".log"), workerOptions,
                "org.apache.spark.deploy.worker.Worker", "--host", Loopback.HOST, "--port", String.valueOf(wport),
                "--webui-port", String.valueOf(Loopback.freePort()), "--cores", String.valueOf(coresPerWorker),
                "--memory", memoryPerWorker, "--work-dir", wdir.toString(), masterUrl);
            Loopback.awaitPort(wport, w, 90_000, workDir.resolve("worker-" + i + ".log"));
        }
        awaitWorkers(workers, 90_000);
    }

    private Process start(String classpath, Path sparkHome, Path log, List<String> jvmOptions, String main, String... args)
        throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Loopback.java());
        cmd.add("-Xmx384m");
        cmd.addAll(List.of(System.getProperty("renalseg.java17.opens", "").split(" ")).stream().filter(s -> !s.isBlank()).toList());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(main);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        // the launcher library (which builds executor commands) looks for a Spark build unless testing
        env.put("SPARK_TESTING", "1");
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_DIST_CLASSPATH", classpath);
        env.put("SPARK_LOCAL_IP", Loopback.HOST);
        env.put("SPARK_EXECUTOR_DIRS", sparkHome.resolve("local").toString());
        Process p = pb.start();
        processes.add(p);
        return p;
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
            Loopback.stop(processes.get(i));
        }
    }
}
