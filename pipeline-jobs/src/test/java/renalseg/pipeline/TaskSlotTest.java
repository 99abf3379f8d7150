package renalseg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import renalseg.networks.NativeThreads;

/** Native threads follow a task's share of the cores. */
class TaskSlotTest {

    @Test
    void aTasksShareOfTheCores() {
        // clusters: spark.task.cpus
        assertEquals(4, TaskSlot.threadsFor("spark://m:7077", 4, 64));
        assertEquals(1, TaskSlot.threadsFor("yarn", 1, 64));
        // local mode: cores over task slots, at least 1
        assertEquals(16, TaskSlot.threadsFor("local[4]", 1, 64));
        assertEquals(1, TaskSlot.threadsFor("local[*]", 1, 64));
        assertEquals(1, TaskSlot.threadsFor("local[8]", 1, 2));
        assertEquals(2, TaskSlot.threadsFor("local[*, 3]", 2, 2), "2 cpus per task of 2 slots on 2 cores");
        assertEquals(64, TaskSlot.threadsFor("local", 1, 64));
    }

    /** In local[k], every task's libnd4j operations are capped at cores / k threads, whatever it was before. */
    @Test
    void tasksInLocalModeCapNativeThreads() {
        NativeThreads.use(7);
        SparkSession spark = Sparks.session(new SparkSettings("local[2]", "TaskSlotTest", Map.of("spark.ui.enabled", "false")));
        try {
            int cores = Runtime.getRuntime().availableProcessors();
            List<String> seen = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(List.of(1, 2), 2).map(i -> {
                    TaskSlot.Binding b = TaskSlot.bind();
                    return b.threads() + "/" + NativeThreads.current() + "/" + b.gpu() + "/" + b.executorId();
                }).collect();
            int share = Math.max(1, cores / 2);
            String expect = share + "/" + Math.min(share, NativeThreads.pool()) + "/null/driver";
            assertEquals(List.of(expect, expect), seen);
        } finally {
            spark.stop();
        }
        // outside a task: every core, no GPU
        TaskSlot.Binding driver = TaskSlot.bind();
        assertEquals(Math.min(Runtime.getRuntime().availableProcessors(), NativeThreads.pool()), NativeThreads.current());
        assertNull(driver.gpu());
    }
}
