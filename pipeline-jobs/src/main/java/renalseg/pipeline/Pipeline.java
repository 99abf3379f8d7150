package renalseg.pipeline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
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
import renalseg.tables.StageRow;
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

    /**
     * What each stage reads of the others' output (tables, checkpoints, segmentations): the one declaration
     * of the stage graph. A stage that runs makes every stage that reads it stale, so {@code --redo S}
     * reruns S and everything downstream of it, and stale stages outside {@code --stages} lose their done
     * marker (the next run redoes them instead of trusting output made from the old input). Listed in
     * pipeline order, each stage reading only earlier ones.
     */
    public static final Map<String, List<String>> READS = new LinkedHashMap<>();

    static {
        READS.put("ingest", List.of());
        READS.put("preprocess", List.of("ingest"));
        READS.put("augment", List.of("preprocess"));
        READS.put("train", List.of("preprocess", "augment"));
        READS.put("localize", List.of("ingest", "preprocess", "train"));
        READS.put("infer", List.of("localize", "train"));
        READS.put("postprocess", List.of("ingest", "localize", "infer"));
        READS.put("evaluate", List.of("ingest", "train", "localize", "postprocess"));
    }

    /** {@code stage} and every stage that reads its output directly or through others, in pipeline order. */
    public static List<String> withDependents(String stage) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        out.add(stage);
        for (String s : STAGES.keySet()) {
            if (READS.get(s).stream().anyMatch(out::contains)) {
                out.add(s);
            }
        }
        return new ArrayList<>(out);
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
            // before S runs, S and every stage that reads it (directly or not) lose their done marker: a run
            // killed anywhere after this point leaves them to be redone, never trusted with S's old output
            for (String d : withDependents(name)) {
                if (!d.equals(name) && run.stageDone(d)) {
                    System.err.println("renalseg: stage " + d + " reads what " + name + " writes: marked not done");
                }
                run.clearStageDone(d);
            }
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
            Row row = new StageRow(name, started, secs, result.casesOk(), result.casesFailed()).toPartRow();
            run.writeStagePart(ctx.spark().createDataFrame(List.of(row), StageRow.PART_SCHEMA), "stages", name);
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
