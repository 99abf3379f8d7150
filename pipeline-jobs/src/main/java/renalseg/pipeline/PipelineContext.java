package renalseg.pipeline;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import renalseg.tables.FailureRow;
import renalseg.plan.PlanResolution;
import renalseg.plan.SegmentationPlan;

/** What every stage gets: Spark, the configuration, the run folder and the command's options. */
public final class PipelineContext {

    private final SparkSession spark;
    private final Config config;
    private final RunFolder run;
    private final boolean resume;
    private String failuresWrittenFor;
    private long failuresWritten;
    private Config planned;

    public PipelineContext(SparkSession spark, Config config, RunFolder run, boolean resume) {
        this.spark = spark;
        this.config = config;
        this.run = run;
        this.resume = resume;
    }

    public SparkSession spark() {
        return spark;
    }

    public JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    public Config config() {
        return config;
    }

    /**
     * The configuration the segmenting stages (localize, infer, postprocess) use: {@link #config()} with the
     * plan saved in {@code checkpoints/model.zip} applied by {@link PlanResolution} (the rule {@code segment}
     * follows); resolved once, logged as one line and written to {@code <run>/plan.json}. The configuration
     * as it is when there is no model.zip yet.
     */
    public synchronized Config planned() {
        if (planned == null) {
            Checkpoints ck = new Checkpoints(run);
            if (!ck.exists(Checkpoints.FINAL)) {
                return config;
            }
            Config c = PlanResolution.resolve(config, ck.plan(Checkpoints.FINAL),
                run.checkpoints() + "/" + Checkpoints.FINAL, System.err);
            SegmentationPlan p = SegmentationPlan.from(c);
            System.err.println("renalseg: segmentation plan: " + p.describe());
            run.writeText("plan.json", p.toJson());
            planned = c;
        }
        return planned;
    }

    public RunFolder run() {
        return run;
    }

    /** --resume: training continues from the last checkpoint. */
    public boolean resume() {
        return resume;
    }

    /** Partitions for per-case work: run.partitions, or Spark's default parallelism. */
    public int partitions(long items) {
        int p = config.getInt("run.partitions");
        if (p <= 0) {
            p = spark.sparkContext().defaultParallelism();
        }
        return (int) Math.max(1, Math.min(p, Math.max(1, items)));
    }

    public LongAccumulator counter(String name) {
        return spark.sparkContext().longAccumulator(name);
    }

    public StageProgress progress(LongAccumulator counter, String label, long total) {
        return new StageProgress(counter, label, total, config.getLong("run.progress-interval-s") * 1000L);
    }

    /** Writes this stage's failure rows (case_id, error_type, message); returns how many. */
    public long recordFailures(String stage, JavaRDD<Row> failures) {
        Dataset<Row> df = spark.createDataFrame(failures, FailureRow.PART_SCHEMA);
        run.writeStagePart(df, "failures", stage);
        long n = spark.read().parquet(run.table("failures") + "/stage=" + stage).count();
        failuresWrittenFor = stage;
        failuresWritten = n;
        return n;
    }

    public long recordFailures(String stage, List<Row> failures) {
        return recordFailures(stage, jsc().parallelize(failures, 1));
    }

    boolean failuresWritten(String stage) {
        return stage.equals(failuresWrittenFor);
    }

    long failuresCount() {
        return failuresWritten;
    }
}
