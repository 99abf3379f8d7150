package renalseg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.config.RenalsegConfig;

/**
 * GPU executors as Spark means them, on a standalone cluster on 127.0.0.1 whose worker advertises two fake
 * GPUs through a discovery script (as Spark's own tests do). One executor of 4 cores and 2 GPUs, tasks of 2
 * CPUs and 1 GPU: inference runs 2 tasks at once, each on its own GPU address (recorded per ROI in
 * predictions); preprocess, postprocess and evaluate run under the CPU-only profile, one task per core.
 */
class GpuSchedulingClusterTest {

    @TempDir
    Path tmp;

    @Test
    void inferenceTasksHoldOneGpuEachAndCpuStagesUseEveryCore() throws Exception {
        Path cohort = PipelineTestSupport.cohort(tmp.resolve("cohort"), 4, -1);
        Path jar = DistJar.get();
        Path script = tmp.resolve("fake-gpus.sh");
        Files.writeString(script, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> workerGpus = List.of("-Dspark.worker.resource.gpu.amount=2",
            "-Dspark.worker.resource.gpu.discoveryScript=" + script);
        try (StandaloneCluster cluster = new StandaloneCluster(Files.createDirectories(tmp.resolve("cluster")), 1, 4,
            "2560m", workerGpus)) {
            Map<String, String> conf = new HashMap<>();
            conf.put("spark.ui.enabled", "false");
            conf.put("spark.jars", jar.toUri().toString());
            conf.put("spark.driver.host", Loopback.HOST);
            conf.put("spark.driver.bindAddress", Loopback.HOST);
            conf.put("spark.executor.memory", "2g");
            conf.put("spark.executor.cores", "4");
            conf.put("spark.cores.max", "4");
            // what submit/ sets with GPUS_PER_EXECUTOR=2, EXECUTOR_CORES=4
            conf.put("spark.task.cpus", "2");
            conf.put("spark.executor.resource.gpu.amount", "2");
            conf.put("spark.executor.resource.gpu.discoveryScript", script.toString());
            conf.put("spark.task.resource.gpu.amount", "1");
            conf.put("spark.executor.extraJavaOptions", System.getProperty("renalseg.java17.opens", "")
                + " -Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir",
                System.getProperty("user.home") + "/.javacpp/cache"));
            SparkSession spark = Sparks.session(new SparkSettings(cluster.masterUrl, "GpuSchedulingClusterTest", conf));
            StageTasks tasks = new StageTasks();
            spark.sparkContext().addSparkListener(tasks);
            try {
                List<String> sets = PipelineTestSupport.tinySettings();
                sets.add("cohort.uri=\"" + cohort.toUri() + "\"");
                Config cfg = RenalsegConfig.load(null, sets);
                RunFolder run = new RunFolder(tmp.resolve("run").toString(), spark.sparkContext().hadoopConfiguration());
                Pipeline.Summary s = new Pipeline(new PipelineContext(spark, cfg, run, false))
                    .run(Pipeline.select(List.of()), Set.of());
                assertEquals(0, s.casesFailed());
                spark.sparkContext().listenerBus().waitUntilEmpty();

                List<Row> preds = run.read(spark, "predictions").select("roi_id", "executor_id", "gpu").collectAsList();
                assertEquals(4, preds.size(), "two kidney ROIs for each of the 2 test cases");
                Set<String> gpus = preds.stream().map(r -> r.getString(2)).collect(Collectors.toSet());
                assertEquals(Set.of("0", "1"), gpus, "each inference task used the GPU Spark assigned it");
                assertFalse(preds.stream().anyMatch(r -> "driver".equals(r.getString(1))), "inference ran on the driver");

                // inference: the stage with a task per partition of ROIs; 2 GPUs -> 2 tasks at once, never more
                List<StageTasks.Task> infer = tasks.of("infer");
                int inferStage = infer.stream().collect(Collectors.groupingBy(StageTasks.Task::sparkStage,
                    Collectors.counting())).entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
                List<StageTasks.Task> model = infer.stream().filter(t -> t.sparkStage() == inferStage).toList();
                assertEquals(2, StageTasks.maxConcurrent(model), "inference tasks at once on the 2-GPU executor: " + model);
                assertEquals(0, model.get(0).resourceProfile(), "inference runs under the default (GPU) profile");

                // CPU stages: their own profile, and one task per core (4 cases in 4 partitions: 4 at once)
                for (String stage : List.of("preprocess", "postprocess", "evaluate")) {
                    List<StageTasks.Task> ts = tasks.of(stage);
                    assertTrue(ts.stream().anyMatch(t -> t.resourceProfile() > 0), stage + " ran under the CPU-only profile: " + ts);
                }
                List<StageTasks.Task> pre = tasks.of("preprocess").stream().filter(t -> t.resourceProfile() > 0).toList();
                assertEquals(4, StageTasks.maxConcurrent(pre), "preprocess tasks at once on 4 cores: " + pre);
                assertEquals(2, run.read(spark, "segmentations").count());
            } finally {
                spark.stop();
            }
        }
    }
}
