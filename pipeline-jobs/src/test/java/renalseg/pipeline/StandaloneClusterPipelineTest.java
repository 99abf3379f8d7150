package renalseg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.config.RenalsegConfig;

/**
 * The pipeline from ingest to inference against a real Spark standalone cluster on 127.0.0.1: a master and
 * two workers in their own JVMs, executors in separate processes that get renalseg only through the
 * application jar the driver ships. Inference must have run in the executors (their JVM names are in the
 * predictions table). Postprocess and evaluate are per-case maps like preprocess; LocalPipelineTest covers
 * them (this test stops at infer to keep the suite's time down).
 */
class StandaloneClusterPipelineTest {

    @TempDir
    Path tmp;

    @Test
    void pipelineOnAStandaloneCluster() throws Exception {
        Path cohort = PipelineTestSupport.cohort(tmp.resolve("cohort"), 4, -1);
        Path jar = AppJar.build(tmp.resolve("renalseg-app.jar"));
        try (StandaloneCluster cluster = new StandaloneCluster(Files.createDirectories(tmp.resolve("cluster")), 2, 1, "1536m")) {
            Map<String, String> conf = new HashMap<>();
            conf.put("spark.ui.enabled", "false");
            conf.put("spark.jars", jar.toUri().toString());
            conf.put("spark.driver.host", Loopback.HOST);
            conf.put("spark.driver.bindAddress", Loopback.HOST);
            conf.put("spark.executor.memory", "1g");
            conf.put("spark.executor.cores", "1");
            conf.put("spark.cores.max", "2");
            conf.put("spark.executor.extraJavaOptions", System.getProperty("renalseg.java17.opens", "")
                + " -Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir",
                System.getProperty("user.home") + "/.javacpp/cache"));
            SparkSession spark = Sparks.session(new SparkSettings(cluster.masterUrl, "StandaloneClusterPipelineTest", conf));
            try {
                assertEquals(cluster.masterUrl, spark.sparkContext().master());
                List<String> sets = PipelineTestSupport.tinySettings();
                sets.add("cohort.uri=\"" + cohort.toUri() + "\"");
                Config cfg = RenalsegConfig.load(null, sets);
                RunFolder run = new RunFolder(tmp.resolve("run").toString(), spark.sparkContext().hadoopConfiguration());
                Pipeline.Summary s = new Pipeline(new PipelineContext(spark, cfg, run, false))
                    .run(Pipeline.select(List.of("ingest", "preprocess", "augment", "train", "localize", "infer")), Set.of());
                assertEquals(6, s.ran().size());
                assertEquals(0, s.casesFailed());

                Set<String> executors = new HashSet<>(run.read(spark, "predictions").select("executor").distinct()
                    .as(Encoders.STRING()).collectAsList());
                assertFalse(executors.isEmpty());
                assertFalse(executors.contains(ManagementFactory.getRuntimeMXBean().getName()),
                    "inference ran in the driver's JVM: " + executors);
                assertTrue(executors.size() <= 2, executors.toString());
                long testCases = run.read(spark, "cases").where("split = 'test'").count();
                assertEquals(2 * testCases, run.read(spark, "predictions").count(), "two kidney ROIs per test case");
                assertTrue(run.exists("checkpoints/" + Checkpoints.FINAL));
                assertEquals(6, run.read(spark, "history").count());
            } finally {
                spark.stop();
            }
        }
    }
}
