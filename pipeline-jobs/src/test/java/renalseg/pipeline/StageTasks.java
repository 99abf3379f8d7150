package renalseg.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Records, from the driver's listener bus, every finished task with its Spark stage, the pipeline stage
 * whose job group ran it ({@link Pipeline#JOB_GROUP_PREFIX}), its resource profile, executor and times.
 */
final class StageTasks extends SparkListener {

    record Task(String pipelineStage, int sparkStage, int resourceProfile, String executor, long start, long end) {
    }

    private final Map<Integer, String> groupOfStage = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> profileOfStage = new ConcurrentHashMap<>();
    private final List<Task> tasks = new ArrayList<>();

    @Override
    public void onJobStart(SparkListenerJobStart job) {
        String group = job.properties() == null ? null : job.properties().getProperty("spark.jobGroup.id");
        if (group != null && group.startsWith(Pipeline.JOB_GROUP_PREFIX)) {
            for (Object id : scala.collection.JavaConverters.seqAsJavaList(job.stageIds())) {
                groupOfStage.put((Integer) id, group.substring(Pipeline.JOB_GROUP_PREFIX.length()));
            }
        }
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted s) {
        profileOfStage.put(s.stageInfo().stageId(), s.stageInfo().resourceProfileId());
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd t) {
        if (!t.taskInfo().successful()) {
            return;
        }
        tasks.add(new Task(groupOfStage.getOrDefault(t.stageId(), "?"), t.stageId(),
            profileOfStage.getOrDefault(t.stageId(), -1), t.taskInfo().executorId(), t.taskInfo().launchTime(),
            t.taskInfo().finishTime()));
    }

    synchronized List<Task> of(String pipelineStage) {
        return tasks.stream().filter(t -> t.pipelineStage().equals(pipelineStage)).toList();
    }

    /**
     * The most tasks of {@code ts} that ran at once on one executor. A task launched in the same few
     * milliseconds as another one's end took its slot (the driver stamps both), so that is not overlap.
     */
    static int maxConcurrent(List<Task> ts) {
        long slackMs = 50;
        int best = 0;
        for (Task a : ts) {
            int n = 0;
            for (Task b : ts) {
                if (b.executor().equals(a.executor()) && b.start() <= a.start() && a.start() + slackMs < b.end()) {
                    n++;
                }
            }
            best = Math.max(best, n);
        }
        return best;
    }
}
