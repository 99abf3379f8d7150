package renalseg.cli;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import renalseg.config.ConfigError;
import renalseg.pipeline.Pipeline;
import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.Pretrained;
import renalseg.pipeline.RunFolder;
import renalseg.pipeline.RunLock;
import renalseg.pipeline.SparkSettings;
import renalseg.pipeline.Sparks;
import renalseg.util.InputError;

/**
 * {@code renalseg pipeline}: the stages as Spark jobs over one run folder. Exit 0 when every selected stage
 * ran (cases that failed are in the failures table and counted on stderr); 1 when a stage could not run;
 * 2 for bad options, configuration or input (also: the run folder is locked by another run); 3 when the
 * cohort has labelled cases but none of them is a valid test case (all failed, or none reached metrics).
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "Run the pipeline stages (Spark) on a cohort; tables go to <run>/tables/.")
public final class PipelineCommand implements Callable<Integer> {

    /** Exit code of a run that ended with no valid test case among labelled cases (nothing evaluated). */
    public static final int NO_TEST_CASE = 3;

    @Option(names = "--cohort", paramLabel = "URI", description = "Cohort folder or manifest (any Hadoop URI); overrides cohort.uri.")
    String cohort;

    @Option(names = "--run", paramLabel = "DIR", description = "Run folder (any Hadoop URI); default <run.dir>/<run.id or a dated id>.")
    String run;

    @Option(names = "--stages", split = ",", paramLabel = "STAGE",
        description = "Stages to run (default all): ingest,preprocess,augment,train,localize,infer,postprocess,evaluate.")
    List<String> stages = new ArrayList<>();

    @Option(names = "--redo", split = ",", paramLabel = "STAGE",
        description = "Run these stages again even if the run folder holds them complete.")
    List<String> redo = new ArrayList<>();

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--conf", paramLabel = "spark.key=value", description = "Spark/Hadoop setting, as spark-submit's --conf (repeatable).")
    List<String> sparkConf = new ArrayList<>();

    @Option(names = "--pretrained", paramLabel = "DIR",
        description = "Segment with the networks of an earlier run (its checkpoints folder) instead of training; "
            + "the cohort may have no label maps at all. Sets model.pretrained.")
    String pretrained;

    @Option(names = "--resume", description = "Continue training from the run folder's last checkpoint.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        List<String> overrides = new ArrayList<>();
        if (cohort != null) {
            overrides.add("cohort.uri=\"" + cohort.replace("\"", "\\\"") + "\"");
        }
        if (pretrained != null) {
            overrides.add("model.pretrained=\"" + pretrained.replace("\"", "\\\"") + "\"");
        }
        Config cfg = configOptions.load(overrides);
        return execute(cfg, run, stages.isEmpty() ? cfg.getStringList("run.stages") : stages, redo, sparkConf, resume);
    }

    /** Runs the pipeline with a loaded configuration (also used by {@code demo}). */
    static int execute(Config cfg, String runDir, List<String> stageNames, List<String> redo, List<String> sparkConf,
                       boolean resume) throws Exception {
        List<String> selected = Pipeline.select(stageNames);
        Pipeline.select(redo);
        String runUri = runDir != null ? RunFolder.toUri(runDir)
            : RunFolder.resolve(cfg.getString("run.dir"), cfg.hasPath("run.id") ? cfg.getString("run.id") : null);
        if (selected.contains("ingest") && !cfg.hasPath("cohort.uri")) {
            throw new ConfigError("no cohort: give --cohort URI or set cohort.uri");
        }
        SparkSession spark = Sparks.session(SparkSettings.from(cfg, sparkConf));
        long t0 = System.nanoTime();
        try {
            RunFolder folder = new RunFolder(runUri, spark.sparkContext().hadoopConfiguration());
            cfg = Pretrained.withPlan(cfg, spark.sparkContext().hadoopConfiguration());
            System.err.println("renalseg: run folder " + folder + " (Spark " + spark.sparkContext().master() + ")");
            try (RunLock lock = RunLock.acquire(folder, cfg.getLong("run.lock-heartbeat-s"), cfg.getLong("run.lock-lease-s"))) {
                return runLocked(cfg, folder, selected, redo, resume, spark, t0);
            }
        } finally {
            spark.stop();
        }
    }

    private static int runLocked(Config cfg, RunFolder folder, List<String> selected, List<String> redo, boolean resume,
                                 SparkSession spark, long t0) throws Exception {
        Pipeline.Summary summary;
        try {
            summary = new Pipeline(new PipelineContext(spark, cfg, folder, resume)).run(selected, new HashSet<>(redo));
        } catch (Pipeline.StageError e) {
            System.err.println("renalseg pipeline: error: " + e.getMessage());
            if (System.getenv("RENALSEG_DEBUG") != null) {
                e.printStackTrace();
            }
            Throwable c = e.getCause();
            return c instanceof InputError || c instanceof ConfigError ? 2 : 1;
        }
        System.err.printf(Locale.ROOT, "renalseg: %d stage(s) ran, %d skipped, %d case(s) failed%s, in %.1f s%n",
            summary.ran().size(), summary.skipped().size(), summary.casesFailed(),
            summary.casesFailed() > 0 ? " (see " + folder.table("failures") + ")" : "",
            (System.nanoTime() - t0) / 1e9);
        TestCases tc = TestCases.of(spark, folder, selected.contains("evaluate"));
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>(java.util.Map.of(
            "run", folder.root(), "tables", folder.path("tables"), "stages_ran", summary.ran(),
            "stages_skipped", summary.skipped(), "cases_failed", summary.casesFailed(),
            "stage_seconds", summary.seconds()));
        out.put("test_cases", tc.test());
        out.put("cases_evaluated", tc.evaluated());
        String none = tc.noValidTestCase();
        if (none != null) {
            out.put("error", none);
            System.err.println("renalseg pipeline: error: " + none + " (see " + folder.table("failures") + ")");
        }
        System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(out));
        return none == null ? 0 : NO_TEST_CASE;
    }
}
