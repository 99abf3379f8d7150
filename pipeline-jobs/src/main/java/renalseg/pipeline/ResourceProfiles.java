package renalseg.pipeline;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;

/**
 * Stage-level scheduling for GPU executors. The default profile (spark-submit's spark.task.cpus and
 * spark.task.resource.gpu.amount = 1) is the GPU profile: inference and training tasks each hold one GPU.
 * CPU stages (preprocess, postprocess with the CRF, evaluate) run under a task-only profile of 1 CPU and no
 * GPU, so they use every core of an executor and one case's CRF never holds a GPU.
 *
 * <p>A task-only profile reuses the default profile's executors. Spark 3.5 supports that with dynamic
 * allocation off on standalone (3.4+), YARN and Kubernetes (3.5.1+); with dynamic allocation on, Spark
 * instead asks the cluster manager for executors of the new profile (YARN and Kubernetes need that, and
 * shuffle tracking or an external shuffle service). Local mode has no stage-level scheduling at all, so
 * without GPUs, or on a local master, nothing changes.
 */
public final class ResourceProfiles {

    private ResourceProfiles() {
    }

    /** Whether the executors hold GPUs on a cluster manager that schedules per stage. */
    static boolean gpuExecutors(SparkConf conf) {
        String master = conf.get("spark.master", "local");
        return !master.startsWith("local") && conf.getDouble("spark.executor.resource.gpu.amount", 0) > 0;
    }

    /** {@code rdd} with the CPU-only profile when the executors hold GPUs, else unchanged. */
    public static <T> JavaRDD<T> cpuOnly(JavaRDD<T> rdd) {
        if (!gpuExecutors(rdd.context().getConf())) {
            return rdd;
        }
        ResourceProfile cpu = new ResourceProfileBuilder().require(new TaskResourceRequests().cpus(1)).build();
        return rdd.withResources(cpu);
    }
}
