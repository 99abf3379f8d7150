package renalseg.pipeline.stages;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import renalseg.cohort.CaseReader;
import renalseg.cohort.CohortSettings;
import renalseg.cohort.KitsLabels;
import renalseg.metrics.CohortSummary;
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
import renalseg.tables.CaseRow;
import renalseg.tables.FailureRow;
import renalseg.tables.MetricRow;
import renalseg.tables.SegmentationRow;
import renalseg.tables.SummaryRow;
import renalseg.volume.LabelVolume;

/**
 * Stage 8: per labelled segmented case, its written segmentation against its label map (docs/metrics.md,
 * one row per region) into {@code metrics}; the cohort summary ({@link CohortSummary}: per region and metric
 * n, mean, sd, median, min, max over the non-null values, tumor Dice over the cases with a reference tumor,
 * tumor detection sensitivity and specificity) into {@code summary}; and {@code report/index.html}.
 */
public final class EvaluateStage implements Stage {

    /** A labelled segmented case to evaluate: its written label map against its reference. */
    record Pair(String caseId, String predUri, String labelUri) implements java.io.Serializable {
    }

    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        Map<String, String> labels = new HashMap<>();
        for (CaseRow c : ctx.run().rows(ctx.spark(), CaseRow.TABLE)) {
            if (c.labelUri() != null) {
                labels.put(c.caseId(), c.labelUri());
            }
        }
        List<Pair> todo = new ArrayList<>();
        for (SegmentationRow s : ctx.run().rows(ctx.spark(), SegmentationRow.TABLE)) {
            if (labels.containsKey(s.caseId())) {
                todo.add(new Pair(s.caseId(), s.uri(), labels.get(s.caseId())));
            }
        }
        ConfigText conf = new ConfigText(ctx.config());
        HadoopSettings hadoop = HadoopSettings.of(ctx.spark().sparkContext().getConf());
        LongAccumulator done = ctx.counter("evaluate cases");
        JavaRDD<Pair> in = ctx.jsc().parallelize(todo, ctx.partitions(todo.size()));
        JavaRDD<Outcome> out = CaseJob.map(ResourceProfiles.cpuOnly(in), Pair::caseId, p -> evaluate(p, conf, hadoop), done);
        try (StageProgress p = ctx.progress(done, "evaluate", todo.size())) {
            out.count();
        }
        ctx.run().writeTable(ctx.spark().createDataFrame(CaseJob.rows(out), MetricRow.SCHEMA).coalesce(1),
            MetricRow.TABLE.name());
        long failed = ctx.recordFailures(name(), CaseJob.failures(out));
        out.unpersist();

        List<Row> metrics = ctx.run().read(ctx.spark(), MetricRow.TABLE).orderBy("case_id", "region").collectAsList();
        List<CohortSummary.Line> lines = CohortSummary.of(metrics.stream().map(r -> MetricRow.from(r).metrics()).toList());
        List<Row> summary = new ArrayList<>();
        for (CohortSummary.Line l : lines) {
            summary.add(SummaryRow.of(l).toRow());
        }
        ctx.run().writeTable(ctx.spark().createDataFrame(summary, SummaryRow.SCHEMA).coalesce(1), SummaryRow.TABLE.name());
        // the plain tables first, so that a report always exists; then the study report (plots, overlays)
        ctx.run().writeText("report/index.html", Report.html(ctx.run().root(),
            ctx.run().read(ctx.spark(), SummaryRow.TABLE).collectAsList(), metrics,
            ctx.run().readParts(ctx.spark(), FailureRow.TABLE).orderBy("stage", "case_id").collectAsList()));
        try {
            renalseg.report.StudyReport.write(ctx.spark(), ctx.run().root(), ctx.config());
        } catch (Exception | LinkageError e) {
            System.err.println("renalseg: evaluate: the study report failed (" + e.getClass().getSimpleName() + ": "
                + e.getMessage() + "); report/index.html holds the plain tables");
        }
        for (CohortSummary.Line l : lines) {
            if (l.metric().equals("dice")) {
                System.err.printf(Locale.ROOT, "renalseg: evaluate: %s Dice mean %.4f (n=%d%s)%n", l.region(),
                    l.stats().mean(), l.stats().n(), l.region().equals("tumor") ? " cases with a reference tumor" : "");
            }
        }
        return new StageResult(todo.size() - failed, failed);
    }

    static List<Row> evaluate(Pair p, ConfigText conf, HadoopSettings hadoop) {
        String caseId = p.caseId();
        CohortSettings cs = CohortSettings.from(conf.get());
        CaseReader reader = new CaseReader(cs, hadoop.configuration());
        LabelVolume truth = KitsLabels.toKits19(reader.labels(p.labelUri()), cs.cystAsKidney(), caseId);
        LabelVolume pred = reader.labels(p.predUri());
        List<Row> rows = new ArrayList<>();
        for (RegionMetrics m : SegmentationMetrics.evaluate(truth, pred, MetricSettings.from(conf.get()))) {
            rows.add(new MetricRow(caseId, m).toRow());
        }
        return rows;
    }
}
