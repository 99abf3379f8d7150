package renalseg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.deploy.SparkSubmitArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/**
 * The spark-submit command lines that submit/standalone, submit/yarn and submit/kubernetes build (YARN and
 * Kubernetes cannot run here), parsed by Spark's own parser (SparkSubmitArguments, which rejects options
 * spark-submit does not know and checks what each master needs) and compared with what the wrappers
 * document. SPARK_HOME is a folder whose bin/spark-submit records its arguments.
 */
class SubmitCommandLineTest {

    @TempDir
    Path tmp;

    private static final String JAR = "/opt/renalseg/renalseg-dist.jar";

    @Test
    void standalone() throws Exception {
        SparkSubmitArguments a = parse("standalone", Map.of("SPARK_MASTER", "spark://master:7077", "EXECUTORS", "4",
            "EXECUTOR_CORES", "8"), "--run", "s3a://imaging/runs/2026-11-26", "--resume");
        assertEquals("spark://master:7077", a.master());
        assertEquals("client", a.deployMode());
        assertEquals("32", a.totalExecutorCores(), "EXECUTORS x EXECUTOR_CORES");
        assertEquals("8", a.executorCores());
        assertCommon(a, config().toString());
        assertEquals(List.of("pipeline", "--config", config().toString(), "--run", "s3a://imaging/runs/2026-11-26",
            "--resume"), childArgs(a));
    }

    @Test
    void yarnClusterMode() throws Exception {
        SparkSubmitArguments a = parse("yarn", Map.of("DEPLOY_MODE", "cluster", "EXECUTORS", "8", "YARN_QUEUE", "imaging",
            "EXECUTOR_MEMORY", "24g"), "--run", "s3a://imaging/runs/x");
        assertEquals("yarn", a.master());
        assertEquals("cluster", a.deployMode());
        assertEquals("8", a.numExecutors());
        assertEquals("imaging", a.queue());
        assertEquals("24g", a.executorMemory());
        // cluster mode: the configuration travels with --files and is named by its base name
        assertCommon(a, "cluster-test.conf");
        assertEquals(List.of("pipeline", "--config", "cluster-test.conf", "--run", "s3a://imaging/runs/x"), childArgs(a));
    }

    @Test
    void kubernetesClusterModeWithGpus() throws Exception {
        SparkSubmitArguments a = parse("kubernetes", Map.of("K8S_MASTER", "k8s://https://api.example:6443",
            "K8S_IMAGE", "registry.example/renalseg:0.1", "DEPLOY_MODE", "cluster", "RENALSEG_JAR", "local://" + JAR,
            "K8S_UPLOAD_PATH", "s3a://imaging/spark-uploads", "K8S_NAMESPACE", "imaging", "EXECUTORS", "3",
            "GPUS_PER_EXECUTOR", "1"), "--run", "s3a://imaging/runs/x");
        assertEquals("k8s://https://api.example:6443", a.master());
        assertEquals("cluster", a.deployMode());
        assertEquals("local://" + JAR, a.primaryResource());
        Map<String, String> p = props(a);
        assertEquals("registry.example/renalseg:0.1", p.get("spark.kubernetes.container.image"));
        assertEquals("imaging", p.get("spark.kubernetes.namespace"));
        assertEquals("spark", p.get("spark.kubernetes.authenticate.driver.serviceAccountName"));
        assertEquals("3", p.get("spark.executor.instances"));
        assertEquals("s3a://imaging/spark-uploads", p.get("spark.kubernetes.file.upload.path"));
        assertEquals("1", p.get("spark.executor.resource.gpu.amount"));
        assertEquals("1", p.get("spark.task.resource.gpu.amount"));
        assertEquals("nvidia.com", p.get("spark.executor.resource.gpu.vendor"));
        // in the image (submit/Dockerfile): executors discover GPUs before --files arrive
        assertEquals("/opt/renalseg/getGpusResources.sh", p.get("spark.executor.resource.gpu.discoveryScript"));
        assertCommon(a, "cluster-test.conf");
    }

    @Test
    void kubernetesClusterModeNeedsAnUploadPath() throws Exception {
        Run r = run("kubernetes", Map.of("K8S_MASTER", "k8s://https://api.example:6443", "K8S_IMAGE", "r/renalseg:0.1",
            "DEPLOY_MODE", "cluster", "RENALSEG_JAR", "local://" + JAR), "--run", "s3a://x/y");
        assertEquals(2, r.exit, r.output);
        assertTrue(r.output.contains("K8S_UPLOAD_PATH"), r.output);
    }

    /** What every wrapper adds: class, jar, packages, sizing, Kryo, and the Java 17 options on both sides. */
    private void assertCommon(SparkSubmitArguments a, String configArg) throws IOException {
        assertEquals("renalseg.cli.Main", a.mainClass());
        assertTrue(a.primaryResource().endsWith("renalseg-dist.jar"), a.primaryResource());
        assertEquals("org.apache.hadoop:hadoop-aws:3.3.4", a.packages());
        assertTrue(List.of(a.files().split(",")).contains("file:" + config()), a.files());
        Map<String, String> p = props(a);
        assertEquals("org.apache.spark.serializer.KryoSerializer", p.get("spark.serializer"));
        assertEquals("org.nd4j.kryo.Nd4jRegistrator,renalseg.pipeline.RecordKryoRegistrator", p.get("spark.kryo.registrator"));
        assertTrue(p.containsKey("spark.executor.memoryOverhead"));
        // the same opens the tests and submit/renalseg use (the pom's list), on the driver and the executors
        for (String opt : System.getProperty("renalseg.java17.opens").split(" ")) {
            assertTrue(p.get("spark.executor.extraJavaOptions").contains(opt), "executors lack " + opt);
            assertTrue(a.driverExtraJavaOptions().contains(opt), "the driver lacks " + opt);
        }
        assertTrue(p.get("spark.executor.extraJavaOptions").contains("java.util.concurrent.atomic"));
        assertTrue(p.get("spark.executor.extraJavaOptions").contains(
            "-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource"));
        assertTrue(configArg.endsWith("cluster-test.conf"));
    }

    private Path config() throws IOException {
        Path c = tmp.resolve("conf/cluster-test.conf");
        if (!Files.exists(c)) {
            Files.createDirectories(c.getParent());
            Files.writeString(c, "model.preset = small\n");
        }
        return c;
    }

    private record Run(int exit, String output, List<String> argv) {
    }

    private Run run(String wrapper, Map<String, String> env, String... args) throws Exception {
        Path home = tmp.resolve("spark-home-" + wrapper);
        Path record = tmp.resolve("argv-" + wrapper);
        Files.createDirectories(home.resolve("bin"));
        Path submit = home.resolve("bin/spark-submit");
        Files.writeString(submit, "#!/usr/bin/env bash\nprintf '%s\\0' \"$@\" > \"$RECORD_ARGV\"\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.write(tmp.resolve("renalseg-dist.jar"), new byte[0]);
        List<String> cmd = new ArrayList<>(List.of(DistJar.root().resolve("submit").resolve(wrapper).toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(Map.of("SPARK_HOME", home.toString(), "RENALSEG_JAR", jar.toString(),
            "RENALSEG_CONFIG", config().toString(), "RECORD_ARGV", record.toString()));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        List<String> argv = Files.exists(record)
            ? List.of(Files.readString(record).split("\0")) : List.of();
        return new Run(p.exitValue(), out, argv);
    }

    private SparkSubmitArguments parse(String wrapper, Map<String, String> env, String... args) throws Exception {
        Run r = run(wrapper, env, args);
        assertEquals(0, r.exit, r.output);
        Map<String, String> sparkEnv = new HashMap<>(Map.of("SPARK_HOME", tmp.toString()));
        // YARN's client needs the cluster's configuration folder (spark-submit checks it is set)
        sparkEnv.put("HADOOP_CONF_DIR", tmp.toString());
        return new SparkSubmitArguments(JavaConverters.asScalaBuffer(r.argv).toSeq(),
            JavaConverters.mapAsScalaMap(sparkEnv).toMap(scala.Predef.$conforms()));
    }

    private static Map<String, String> props(SparkSubmitArguments a) {
        return new HashMap<>(JavaConverters.mapAsJavaMap(a.sparkProperties()));
    }

    private static List<String> childArgs(SparkSubmitArguments a) {
        return new ArrayList<>(JavaConverters.seqAsJavaList(a.childArgs()));
    }
}
