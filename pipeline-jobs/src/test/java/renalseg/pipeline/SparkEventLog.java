package renalseg.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What Spark's event log (spark.eventLog.enabled) says about one application: which executor ran which
 * successful task, on which worker (the worker's UI address in the executor's log URLs), and which
 * executors were lost.
 */
final class SparkEventLog {

    private final Map<Integer, String> stageDetails = new HashMap<>();
    private final Map<String, String> executorWorker = new HashMap<>();
    private final Map<Integer, Set<String>> successfulExecutorsByStage = new HashMap<>();
    final Set<String> removedExecutors = new HashSet<>();
    int failedTasks;

    /** The one application's log in {@code dir}. */
    static SparkEventLog read(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        if (files.size() != 1) {
            throw new AssertionError("expected one event log in " + dir + ": " + files);
        }
        SparkEventLog out = new SparkEventLog();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(files.get(0))) {
            JsonNode e = json.readTree(line);
            switch (e.path("Event").asText()) {
                case "SparkListenerStageSubmitted" -> {
                    JsonNode si = e.path("Stage Info");
                    out.stageDetails.put(si.path("Stage ID").asInt(), si.path("Stage Name").asText() + "\n"
                        + si.path("Details").asText());
                }
                case "SparkListenerExecutorAdded" -> out.executorWorker.put(e.path("Executor ID").asText(),
                    e.path("Executor Info").path("Log Urls").path("stderr").asText().replaceAll("/logPage.*", ""));
                case "SparkListenerExecutorRemoved" -> out.removedExecutors.add(e.path("Executor ID").asText());
                case "SparkListenerTaskEnd" -> {
                    if ("Success".equals(e.path("Task End Reason").path("Reason").asText())) {
                        out.successfulExecutorsByStage.computeIfAbsent(e.path("Stage ID").asInt(), k -> new HashSet<>())
                            .add(e.path("Task Info").path("Executor ID").asText());
                    } else {
                        out.failedTasks++;
                    }
                }
                default -> { }
            }
        }
        return out;
    }

    /** The workers (UI addresses) whose executors completed tasks of stages whose call site mentions {@code text}. */
    Set<String> workersOfStagesMentioning(String text) {
        Set<String> workers = new HashSet<>();
        successfulExecutorsByStage.forEach((stage, executors) -> {
            if (stageDetails.getOrDefault(stage, "").contains(text)) {
                executors.forEach(ex -> workers.add(executorWorker.getOrDefault(ex, "?" + ex)));
            }
        });
        return workers;
    }
}
