package renalseg.pipeline;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import renalseg.config.RenalsegConfig;
import renalseg.pipeline.stages.AugmentStage;
import renalseg.pipeline.stages.EvaluateStage;
import renalseg.pipeline.stages.InferStage;
import renalseg.pipeline.stages.IngestStage;
import renalseg.pipeline.stages.LocalizeStage;
import renalseg.pipeline.stages.PostprocessStage;
import renalseg.pipeline.stages.PreprocessStage;
import renalseg.pipeline.stages.TrainStage;
import renalseg.util.InputError;
import renalseg.util.Progress;

/**
 * Runs stages in order on one run folder. A stage whose {@code _done} marker exists is skipped (a rerun
 * resumes rather than repeats) unless it is named in {@code redo}. Per stage: its tables, then its part of
 * {@code failures}, its row of {@code stages}, then the marker.
 */
public final class Pipeline {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /** Spark job group of a pipeline stage's jobs: this prefix and the stage's name. */
    public static final String JOB_GROUP_PREFIX = "renalseg:";

    /** Every stage, in pipeline order. */
    public static final Map<String, Supplier<Stage>> STAGES = new LinkedHashMap<>();

    static {
        STAGES.put("ingest", IngestStage::new);
        STAGES.put("preprocess", PreprocessStage::new);
        STAGES.put("augment", AugmentStage::new);
        STAGES.put("train", TrainStage::new);
        STAGES.put("localize", LocalizeStage::new);
        STAGES.put("infer", InferStage::new);
        STAGES.put("postprocess", PostprocessStage::new);
        STAGES.put("evaluate", EvaluateStage::new);
    }

    /** How a pipeline run ended. */
    public record Summary(List<String> ran, List<String> skipped, long casesFailed, Map<String, Double> seconds) {
    }

    private final PipelineContext ctx;

    public Pipeline(PipelineContext ctx) {
        this.ctx = ctx;
    }

    /** The stages to run: {@code names} (validated, put in pipeline order), or all when empty. */
    public static List<String> select(List<String> names) {
        if (names == null || names.isEmpty()) {
            return new ArrayList<>(STAGES.keySet());
        }
        for (String n : names) {
            if (!STAGES.containsKey(n)) {
                throw new InputError("unknown stage '" + n + "' (stages: " + String.join(",", STAGES.keySet()) + ")");
            }
        }
        List<String> out = new ArrayList<>();
        for (String s : STAGES.keySet()) {
            if (names.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    public Summary run(List<String> stages, Set<String> redo) throws Exception {
        RunFolder run = ctx.run();
        run.cleanTemporaries();
        writeConfig(run);
        List<String> ran = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        long failed = 0;
        for (String name : stages) {
            if (run.stageDone(name) && !redo.contains(name)) {
                System.err.println("renalseg: stage " + name + " already complete in " + run + ", skipped");
                skipped.add(name);
                continue;
            }
            run.clearStageDone(name);
            Stage stage = STAGES.get(name).get();
            System.err.println("renalseg: stage " + name + " ...");
            Instant started = Instant.now();
            long t0 = System.nanoTime();
            Stage.StageResult result;
            // Spark's jobs carry the pipeline stage's name (UI, event log, listeners)
            ctx.spark().sparkContext().setJobGroup(JOB_GROUP_PREFIX + name, "renalseg " + name, false);
            try {
                result = stage.run(ctx);
            } catch (Exception e) {
                LOG.debug("stage {} failed", name, e);
                throw new StageError(name, e);
            } finally {
                ctx.spark().sparkContext().clearJobGroup();
            }
            if (!ctx.failuresWritten(name)) {
                ctx.recordFailures(name, List.of());
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            Row row = RowFactory.create(Timestamp.from(started), secs, result.casesOk(), result.casesFailed());
            run.writeStagePart(ctx.spark().createDataFrame(List.of(row), Tables.STAGE_PART), "stages", name);
            run.markStageDone(name, String.format(Locale.ROOT,
                "{\"stage\":\"%s\",\"finished_at\":\"%s\",\"seconds\":%.3f}", name, Instant.now(), secs));
            System.err.printf(Locale.ROOT, "renalseg: stage %s done in %s: %d ok, %d failed%n", name,
                Progress.formatSeconds(secs), result.casesOk(), result.casesFailed());
            failed += result.casesFailed();
            seconds.put(name, secs);
            ran.add(name);
        }
        return new Summary(ran, skipped, failed, seconds);
    }

    private void writeConfig(RunFolder run) {
        String text = RenalsegConfig.render(ctx.config());
        if (run.exists("config.conf") && !run.readText("config.conf").equals(text)) {
            System.err.println("renalseg: the configuration differs from the one this run folder was started "
                + "with; config.conf is replaced (the previous one is kept as config.previous.conf)");
            run.writeText("config.previous.conf", run.readText("config.conf"));
        }
        run.writeText("config.conf", text);
    }

    /** A stage that could not run at all (not one bad case: those go to the failures table). */
    public static final class StageError extends RuntimeException {
        private final String stage;

        public StageError(String stage, Throwable cause) {
            super("stage " + stage + " could not run: " + Outcome.message(cause), cause);
            this.stage = stage;
        }

        public String stage() {
            return stage;
        }
    }
}
