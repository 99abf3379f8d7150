package renalseg.pipeline.stages;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import renalseg.cohort.CaseData;
import renalseg.cohort.CaseReader;
import renalseg.cohort.CaseRef;
import renalseg.cohort.CohortSettings;
import renalseg.config.ConfigError;
import renalseg.inferers.CaseSegmenter;
import renalseg.localization.Localization;
import renalseg.localization.Localizer;
import renalseg.metrics.RoiRecall;
import renalseg.pipeline.CaseJob;
import renalseg.pipeline.Checkpoints;
import renalseg.pipeline.ConfigText;
import renalseg.pipeline.HadoopSettings;
import renalseg.pipeline.LocalizerPool;
import renalseg.pipeline.Outcome;
import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.ResampleSpacing;
import renalseg.pipeline.Stage;
import renalseg.pipeline.StageProgress;
import renalseg.plan.SegmentationPlan;
import renalseg.roi.PreparedCase;
import renalseg.roi.RoiSettings;
import renalseg.roi.RoiSource;
import renalseg.tables.CaseRow;
import renalseg.tables.Cols;
import renalseg.tables.LocalizationRow;
import renalseg.tables.RoiRow;
import renalseg.util.InputError;

/**
 * Stage 5: the ROIs to segment ({@code inference_rois}): of every test case and every unlabelled case.
 * They come from the label maps (preprocess's ROIs) under {@code roi.source = labels}, and from the
 * localizer trained with this run (or brought by {@code model.pretrained}) for unlabelled cases and for
 * every case under {@code roi.source = localizer}: each such case is read on an executor, resampled to the
 * coarse grid, localized and cut. {@code localizations} holds one row per localized case: kidneys found,
 * the time, and, when the case has a label map, the ROI recall (share of its kidney-or-tumor voxels inside
 * the ROIs).
 */
public final class LocalizeStage implements Stage {

    @Override
    public String name() {
        return "localize";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        // the ROI rules and HU window of the checkpoint's plan (as segment uses them)
        Config cfg = ctx.planned();
        String source = cfg.getString("roi.source").toLowerCase(Locale.ROOT);
        if (!source.equals("labels") && !source.equals("localizer")) {
            throw new ConfigError("roi.source must be labels or localizer, not '" + source + "'");
        }
        boolean allByLocalizer = source.equals("localizer");
        Dataset<Row> labelRois = ctx.run().read(ctx.spark(), RoiRow.ROIS).where(col("split").equalTo("test"));
        Set<String> prepared = new HashSet<>();
        for (Row r : labelRois.select("case_id").distinct().collectAsList()) {
            prepared.add(Cols.str(r, "case_id"));
        }
        // unlabelled cases; and under roi.source = localizer the test cases that preprocess could read
        List<CaseRow> todo = new ArrayList<>();
        for (CaseRow c : ctx.run().rows(ctx.spark(), CaseRow.TABLE)) {
            if (c.ok() && (!c.labelled() || (allByLocalizer && prepared.contains(c.caseId())))) {
                todo.add(c);
            }
        }
        todo.sort(java.util.Comparator.comparing(CaseRow::caseId));

        Checkpoints checkpoints = new Checkpoints(ctx.run());
        boolean haveLocalizer = checkpoints.hasLocalizer();
        Broadcast<byte[][]> files = haveLocalizer && !todo.isEmpty() ? ctx.jsc().broadcast(checkpoints.localizerFiles())
            : null;
        String localizerId = ctx.run().root() + "#localizer#" + System.nanoTime();
        ConfigText conf = new ConfigText(todo.isEmpty() ? cfg : ResampleSpacing.resolve(ctx));
        HadoopSettings hadoop = HadoopSettings.of(ctx.spark().sparkContext().getConf());
        LongAccumulator done = ctx.counter("localize cases");
        JavaRDD<CaseRow> in = ctx.jsc().parallelize(todo, ctx.partitions(todo.size()));
        JavaRDD<Outcome> out = CaseJob.map(in, CaseRow::caseId,
            r -> localize(r, conf, hadoop, localizerId, files), done);
        try (StageProgress p = ctx.progress(done, "localize", todo.size())) {
            out.count();
        }
        Dataset<Row> localized = ctx.spark().createDataFrame(CaseJob.rows(out, RoiRow.SCHEMA), RoiRow.SCHEMA);
        Dataset<Row> rois = allByLocalizer ? localized : labelRois.unionByName(localized);
        ctx.run().writeTable(rois, RoiRow.INFERENCE_ROIS.name());
        ctx.run().writeTable(ctx.spark().createDataFrame(CaseJob.rows(out, LocalizationRow.SCHEMA),
            LocalizationRow.SCHEMA).coalesce(1), LocalizationRow.TABLE.name());
        long failed = ctx.recordFailures(name(), CaseJob.failures(out));
        out.unpersist();
        if (files != null) {
            files.destroy();
        }
        report(ctx);
        long cases = ctx.run().read(ctx.spark(), RoiRow.INFERENCE_ROIS).select("case_id").distinct().count();
        return new StageResult(cases, failed);
    }

    private static void report(PipelineContext ctx) {
        List<LocalizationRow> l = ctx.run().rows(ctx.spark(), LocalizationRow.TABLE);
        if (l.isEmpty()) {
            return;
        }
        double minRecall = Double.NaN;
        int withRecall = 0;
        double seconds = 0;
        for (LocalizationRow r : l) {
            seconds += r.seconds();
            if (r.recall() != null) {
                minRecall = withRecall++ == 0 ? r.recall() : Math.min(minRecall, r.recall());
            }
        }
        System.err.printf(Locale.ROOT, "renalseg: localize: %d case(s) localized, %.2f s each on average%s%n", l.size(),
            seconds / l.size(), withRecall == 0 ? ""
                : String.format(Locale.ROOT, "; ROI recall on the %d labelled one(s): min %.4f", withRecall, minRecall));
    }

    static List<Row> localize(CaseRow c, ConfigText conf, HadoopSettings hadoop, String localizerId,
                              Broadcast<byte[][]> files) {
        String caseId = c.caseId();
        String labelUri = c.labelUri();
        String split = c.split();
        if (files == null) {
            throw new InputError(caseId + ": needs ROIs from the localizer (" + (labelUri == null ? "no label map"
                : "roi.source = localizer") + "), but this run's checkpoints hold no " + Localizer.DIR
                + "/ (localizer.enabled was false when it trained)");
        }
        Config cfg = conf.get();
        CaseData d = new CaseReader(CohortSettings.from(cfg), hadoop.configuration())
            .read(new CaseRef(caseId, c.imageUri(), labelUri));
        SegmentationPlan plan = SegmentationPlan.from(cfg);
        RoiSettings rs = plan.roi();
        Localizer localizer = LocalizerPool.borrow(localizerId, files.value());
        try {
            Localization[] found = new Localization[1];
            Double[] recall = new Double[1];
            RoiSource source = (id, canonical, labels) -> {
                found[0] = localizer.localize(id, canonical, rs);
                if (labels != null) {
                    recall[0] = RoiRecall.recall(labels, found[0].placements());
                }
                return found[0].placements();
            };
            PreparedCase pc = CaseSegmenter.prepare(caseId, d.image(), d.labels(), source, plan);
            Localization l = found[0];
            System.err.println("renalseg: localize: " + l.describe());
            if (pc.rois().isEmpty()) {
                throw new InputError(caseId + ": the localizer found no kidney (" + l.describe() + ")");
            }
            List<Row> rows = new ArrayList<>();
            for (RoiRow r : PreprocessStage.roiRows(pc, split, RoiRow.FROM_LOCALIZER)) {
                rows.add(r.toRow());
            }
            rows.add(new LocalizationRow(caseId, split, l.kidneys().size(), pc.rois().size(), recall[0], l.seconds(),
                l.describe()).toRow());
            return rows;
        } finally {
            LocalizerPool.giveBack(localizerId, localizer);
        }
    }
}
