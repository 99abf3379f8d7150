package renalseg.pipeline.stages;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import renalseg.cohort.CaseReader;
import renalseg.cohort.CohortSettings;
import renalseg.cohort.KitsLabels;
import renalseg.metrics.DetectionStatistics;
import renalseg.metrics.MetricSettings;
import renalseg.metrics.RegionMetrics;
import renalseg.metrics.SegmentationMetrics;
import renalseg.pipeline.CaseJob;
import renalseg.pipeline.ConfigText;
import renalseg.pipeline.HadoopSettings;
import renalseg.pipeline.Outcome;
import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.ResourceProfiles;
import renalseg.pipeline.Stage;
import renalseg.pipeline.StageProgress;
import renalseg.volume.LabelVolume;

/**
 * Stage 8: per labelled segmented case, its written segmentation against its label map (METRICS.md, one row per region)
 * into {@code metrics}; the cohort summary (per region and metric: n, mean, sd, median, min, max over the
 * non-null values; tumor detection sensitivity and specificity) into {@code summary}; and
 * {@code report/index.html}.
 */
public final class EvaluateStage implements Stage {

    public static final StructType METRICS = new StructType()
        .add("case_id", DataTypes.StringType, false)
        .add("region", DataTypes.StringType, false)
        .add("dice", DataTypes.DoubleType, false)
        .add("assd_mm", DataTypes.DoubleType, true)
        .add("assd_vox", DataTypes.DoubleType, true)
        .add("hd95_mm", DataTypes.DoubleType, true)
        .add("hausdorff_mm", DataTypes.DoubleType, true)
        .add("surface_dice", DataTypes.DoubleType, false)
        .add("pred_ml", DataTypes.DoubleType, false)
        .add("truth_ml", DataTypes.DoubleType, false)
        .add("null_reason", DataTypes.StringType, true)
        .add("detected", DataTypes.BooleanType, true)
        .add("false_positive", DataTypes.BooleanType, true);

    public static final StructType SUMMARY = new StructType()
        .add("region", DataTypes.StringType, false)
        .add("metric", DataTypes.StringType, false)
        .add("n", DataTypes.LongType, false)
        .add("mean", DataTypes.DoubleType, true)
        .add("sd", DataTypes.DoubleType, true)
        .add("median", DataTypes.DoubleType, true)
        .add("min", DataTypes.DoubleType, true)
        .add("max", DataTypes.DoubleType, true);

    static final List<String> SUMMARIZED = List.of("dice", "assd_mm", "assd_vox", "hd95_mm", "hausdorff_mm",
        "surface_dice", "pred_ml", "truth_ml");

    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        Dataset<Row> segs = ctx.run().read(ctx.spark(), "segmentations").select("case_id", "uri");
        Dataset<Row> cases = ctx.run().read(ctx.spark(), "cases").where(col("label_uri").isNotNull())
            .select("case_id", "label_uri");
        List<Row> todo = segs.join(cases, "case_id").collectAsList();
        ConfigText conf = new ConfigText(ctx.config());
        HadoopSettings hadoop = HadoopSettings.of(ctx.spark().sparkContext().getConf());
        LongAccumulator done = ctx.counter("evaluate cases");
        JavaRDD<Row> in = ctx.jsc().parallelize(todo, ctx.partitions(todo.size()));
        JavaRDD<Outcome> out = CaseJob.map(ResourceProfiles.cpuOnly(in), r -> r.getString(0), r -> evaluate(r, conf, hadoop), done);
        try (StageProgress p = ctx.progress(done, "evaluate", todo.size())) {
            out.count();
        }
        ctx.run().writeTable(ctx.spark().createDataFrame(CaseJob.rows(out), METRICS).coalesce(1), "metrics");
        long failed = ctx.recordFailures(name(), CaseJob.failures(out));
        out.unpersist();

        List<Row> metrics = ctx.run().read(ctx.spark(), "metrics").orderBy("case_id", "region").collectAsList();
        List<Row> summary = summarize(metrics);
        ctx.run().writeTable(ctx.spark().createDataFrame(summary, SUMMARY).coalesce(1), "summary");
        summary = ctx.run().read(ctx.spark(), "summary").collectAsList();
        // the plain tables first, so that a report always exists; then the study report (plots, overlays)
        ctx.run().writeText("report/index.html", Report.html(ctx.run().root(), summary, metrics,
            ctx.run().readParts(ctx.spark(), "failures", renalseg.pipeline.Tables.FAILURE_PART)
                .orderBy("stage", "case_id").collectAsList()));
        try {
            renalseg.report.StudyReport.write(ctx.spark(), ctx.run().root(), ctx.config());
        } catch (Exception | LinkageError e) {
            System.err.println("renalseg: evaluate: the study report failed (" + e.getClass().getSimpleName() + ": "
                + e.getMessage() + "); report/index.html holds the plain tables");
        }
        for (Row s : summary) {
            if (s.getString(1).equals("dice")) {
                System.err.printf(Locale.ROOT, "renalseg: evaluate: %s Dice mean %.4f (n=%d)%n", s.getString(0),
                    s.getDouble(3), s.getLong(2));
            }
        }
        return new StageResult(todo.size() - failed, failed);
    }

    static List<Row> evaluate(Row r, ConfigText conf, HadoopSettings hadoop) {
        String caseId = r.getString(0);
        CohortSettings cs = CohortSettings.from(conf.get());
        CaseReader reader = new CaseReader(cs, hadoop.configuration());
        LabelVolume truth = KitsLabels.toKits19(reader.labels(r.getString(2)), cs.cystAsKidney(), caseId);
        LabelVolume pred = reader.labels(r.getString(1));
        List<Row> rows = new ArrayList<>();
        for (RegionMetrics m : SegmentationMetrics.evaluate(truth, pred, MetricSettings.from(conf.get()))) {
            rows.add(RowFactory.create(caseId, m.region(), m.dice(), m.assdMm(), m.assdVox(), m.hd95Mm(),
                m.hausdorffMm(), m.surfaceDice(), m.predMl(), m.truthMl(), m.nullReason(), m.detected(),
                m.falsePositive()));
        }
        return rows;
    }

    /** Per region and metric over the non-null values; median as numpy's (mean of the middle two). */
    static List<Row> summarize(List<Row> metrics) {
        Map<String, List<Row>> byRegion = new LinkedHashMap<>();
        for (Row m : metrics) {
            byRegion.computeIfAbsent(m.getString(1), k -> new ArrayList<>()).add(m);
        }
        List<Row> out = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : byRegion.entrySet()) {
            for (String metric : SUMMARIZED) {
                List<Double> v = new ArrayList<>();
                for (Row m : e.getValue()) {
                    int i = m.fieldIndex(metric);
                    if (!m.isNullAt(i)) {
                        v.add(m.getDouble(i));
                    }
                }
                out.add(stats(e.getKey(), metric, v));
            }
        }
        List<RegionMetrics> tumor = new ArrayList<>();
        for (Row m : metrics) {
            if (m.getString(1).equals("tumor")) {
                tumor.add(new RegionMetrics("tumor", m.getDouble(2), null, null, null, null, m.getDouble(7),
                    m.getDouble(8), m.getDouble(9), null, m.isNullAt(11) ? null : m.getBoolean(11),
                    m.isNullAt(12) ? null : m.getBoolean(12)));
            }
        }
        DetectionStatistics d = DetectionStatistics.of(tumor);
        out.add(RowFactory.create("tumor", "detection_sensitivity", (long) d.positives(), d.sensitivity(), null, null,
            null, null));
        out.add(RowFactory.create("tumor", "detection_specificity", (long) d.negatives(), d.specificity(), null, null,
            null, null));
        return out;
    }

    static Row stats(String region, String metric, List<Double> v) {
        int n = v.size();
        if (n == 0) {
            return RowFactory.create(region, metric, 0L, null, null, null, null, null);
        }
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = Arrays.stream(a).sum() / n;
        double ss = 0;
        for (double x : a) {
            ss += (x - mean) * (x - mean);
        }
        // sample standard deviation (n - 1), as pandas' describe(); null for a single value
        Double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : null;
        double median = n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
        return RowFactory.create(region, metric, (long) n, mean, sd, median, a[0], a[n - 1]);
    }
}
