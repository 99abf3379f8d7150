package renalseg.pipeline;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import renalseg.networks.NativeThreads;

/**
 * What the running Spark task was given, applied to this thread: native threads = the task's CPUs, and
 * the GPU Spark assigned it (its address, from the executor's discovery script) as ND4J's device. Every
 * per-case task calls {@link #bind} before its work.
 */
public final class TaskSlot {

    /** Where a task ran: executor id ("driver" in local mode), JVM name, GPU address (null: none), threads. */
    public record Binding(String executorId, String jvm, String gpu, int threads) implements Serializable {
    }

    private TaskSlot() {
    }

    /** Binds the calling task thread to its CPUs and GPU; outside a task, to all cores and no GPU. */
    public static Binding bind() {
        TaskContext tc = TaskContext.get();
        String gpu = null;
        String executorId = "driver";
        if (tc != null) {
            ResourceInformation ri = tc.resourcesJMap().get(org.apache.spark.resource.ResourceUtils.GPU());
            if (ri != null && ri.addresses().length > 0) {
                gpu = ri.addresses()[0];
            }
            if (SparkEnv.get() != null) {
                executorId = SparkEnv.get().executorId();
            }
        }
        int threads = threads();
        NativeThreads.use(threads);
        NativeThreads.bindDevice(gpu);
        return new Binding(executorId, ManagementFactory.getRuntimeMXBean().getName(), gpu, threads);
    }

    /** The calling task's share of the cores (all of them outside a task). */
    public static int threads() {
        int cores = Runtime.getRuntime().availableProcessors();
        TaskContext tc = TaskContext.get();
        if (tc == null) {
            return cores;
        }
        String master = SparkEnv.get() == null ? "" : SparkEnv.get().conf().get("spark.master", "");
        return threadsFor(master, tc.cpus(), cores);
    }

    /**
     * A task's share of the cores: spark.task.cpus on a cluster; in local mode (where Spark does not count
     * cores per task) the node's cores over the task slots, local[k] on c cores giving max(1, c / k).
     */
    static int threadsFor(String master, int taskCpus, int cores) {
        if (master.equals("local")) {
            return Math.max(1, cores);
        }
        if (master.startsWith("local[")) {
            String slots = master.substring("local[".length(), master.lastIndexOf(']')).split(",")[0].trim();
            int k = slots.equals("*") ? cores : Integer.parseInt(slots);
            return Math.max(1, cores * Math.max(1, taskCpus) / Math.max(1, k));
        }
        return Math.max(1, taskCpus);
    }
}
