package renalseg.pipeline.stages;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

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
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import renalseg.cohort.CaseData;
import renalseg.cohort.CaseReader;
import renalseg.cohort.CaseRef;
import renalseg.cohort.CohortSettings;
import renalseg.config.ConfigError;
import renalseg.localization.Localization;
import renalseg.localization.Localizer;
import renalseg.localization.LocalizerBenchmark;
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
import renalseg.roi.CasePreprocessor;
import renalseg.roi.PreparedCase;
import renalseg.roi.RoiSettings;
import renalseg.roi.RoiSource;
import renalseg.transforms.PreprocessSettings;
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

    public static final StructType INFERENCE_ROIS = PreprocessStage.ROIS.add("roi_source", DataTypes.StringType, false);

    public static final StructType LOCALIZATIONS = new StructType()
        .add("case_id", DataTypes.StringType, false)
        .add("split", DataTypes.StringType, true)
        .add("kidneys", DataTypes.IntegerType, false)
        .add("rois", DataTypes.IntegerType, false)
        .add("recall", DataTypes.DoubleType, true)
        .add("seconds", DataTypes.DoubleType, false)
        .add("finding", DataTypes.StringType, false);

    @Override
    public String name() {
        return "localize";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        Config cfg = ctx.config();
        String source = cfg.getString("roi.source").toLowerCase(Locale.ROOT);
        if (!source.equals("labels") && !source.equals("localizer")) {
            throw new ConfigError("roi.source must be labels or localizer, not '" + source + "'");
        }
        boolean allByLocalizer = source.equals("localizer");
        Dataset<Row> labelRois = ctx.run().read(ctx.spark(), "rois").where(col("split").equalTo("test"));
        Set<String> prepared = new HashSet<>();
        for (Row r : labelRois.select("case_id").distinct().collectAsList()) {
            prepared.add(r.getString(0));
        }
        // unlabelled cases; and under roi.source = localizer the test cases that preprocess could read
        List<Row> todo = new ArrayList<>();
        for (Row r : ctx.run().read(ctx.spark(), "cases").where(col("status").equalTo("ok"))
            .select("case_id", "image_uri", "label_uri", "split", "labelled").orderBy("case_id").collectAsList()) {
            boolean labelled = r.getBoolean(4);
            if (!labelled || (allByLocalizer && prepared.contains(r.getString(0)))) {
                todo.add(r);
            }
        }

        Checkpoints checkpoints = new Checkpoints(ctx.run());
        boolean haveLocalizer = checkpoints.hasLocalizer();
        Broadcast<byte[][]> files = haveLocalizer && !todo.isEmpty() ? ctx.jsc().broadcast(checkpoints.localizerFiles())
            : null;
        String localizerId = ctx.run().root() + "#localizer#" + System.nanoTime();
        ConfigText conf = new ConfigText(todo.isEmpty() ? cfg : ResampleSpacing.resolve(ctx));
        HadoopSettings hadoop = HadoopSettings.of(ctx.spark().sparkContext().getConf());
        LongAccumulator done = ctx.counter("localize cases");
        JavaRDD<Row> in = ctx.jsc().parallelize(todo, ctx.partitions(todo.size()));
        JavaRDD<Outcome> out = CaseJob.map(in, r -> r.getString(0),
            r -> localize(r, conf, hadoop, localizerId, files), done);
        try (StageProgress p = ctx.progress(done, "localize", todo.size())) {
            out.count();
        }
        Dataset<Row> localized = ctx.spark().createDataFrame(CaseJob.rows(out, INFERENCE_ROIS), INFERENCE_ROIS);
        Dataset<Row> rois = allByLocalizer ? localized
            : labelRois.withColumn("roi_source", lit("labels")).unionByName(localized);
        ctx.run().writeTable(rois, "inference_rois");
        ctx.run().writeTable(ctx.spark().createDataFrame(CaseJob.rows(out, LOCALIZATIONS), LOCALIZATIONS).coalesce(1),
            "localizations");
        long failed = ctx.recordFailures(name(), CaseJob.failures(out));
        out.unpersist();
        if (files != null) {
            files.destroy();
        }
        report(ctx);
        long cases = ctx.run().read(ctx.spark(), "inference_rois").select("case_id").distinct().count();
        return new StageResult(cases, failed);
    }

    private static void report(PipelineContext ctx) {
        List<Row> l = ctx.run().read(ctx.spark(), "localizations").collectAsList();
        if (l.isEmpty()) {
            return;
        }
        double minRecall = Double.NaN;
        int withRecall = 0;
        double seconds = 0;
        for (Row r : l) {
            seconds += r.getDouble(5);
            if (!r.isNullAt(4)) {
                minRecall = withRecall++ == 0 ? r.getDouble(4) : Math.min(minRecall, r.getDouble(4));
            }
        }
        System.err.printf(Locale.ROOT, "renalseg: localize: %d case(s) localized, %.2f s each on average%s%n", l.size(),
            seconds / l.size(), withRecall == 0 ? ""
                : String.format(Locale.ROOT, "; ROI recall on the %d labelled one(s): min %.4f", withRecall, minRecall));
    }

    static List<Row> localize(Row c, ConfigText conf, HadoopSettings hadoop, String localizerId,
                              Broadcast<byte[][]> files) {
        String caseId = c.getString(0);
        String labelUri = c.isNullAt(2) ? null : c.getString(2);
        String split = c.isNullAt(3) ? null : c.getString(3);
        if (files == null) {
            throw new InputError(caseId + ": needs ROIs from the localizer (" + (labelUri == null ? "no label map"
                : "roi.source = localizer") + "), but this run's checkpoints hold no " + Localizer.DIR
                + "/ (localizer.enabled was false when it trained)");
        }
        Config cfg = conf.get();
        CaseData d = new CaseReader(CohortSettings.from(cfg), hadoop.configuration())
            .read(new CaseRef(caseId, c.getString(1), labelUri));
        RoiSettings rs = RoiSettings.from(cfg);
        Localizer localizer = LocalizerPool.borrow(localizerId, files.value());
        try {
            Localization[] found = new Localization[1];
            Double[] recall = new Double[1];
            RoiSource source = (id, canonical, labels) -> {
                found[0] = localizer.localize(id, canonical, rs);
                if (labels != null) {
                    recall[0] = LocalizerBenchmark.recall(labels, found[0].placements());
                }
                return found[0].placements();
            };
            PreparedCase pc = new CasePreprocessor(PreprocessSettings.from(cfg), rs, source).prepare(d);
            Localization l = found[0];
            System.err.println("renalseg: localize: " + l.describe());
            if (pc.rois().isEmpty()) {
                throw new InputError(caseId + ": the localizer found no kidney (" + l.describe() + ")");
            }
            List<Row> rows = new ArrayList<>();
            for (Row r : PreprocessStage.roiRows(pc, split)) {
                Object[] v = new Object[r.size() + 1];
                for (int i = 0; i < r.size(); i++) {
                    v[i] = r.get(i);
                }
                v[r.size()] = "localizer";
                rows.add(RowFactory.create(v));
            }
            rows.add(RowFactory.create(caseId, split, l.kidneys().size(), pc.rois().size(), recall[0], l.seconds(),
                l.describe()));
            return rows;
        } finally {
            LocalizerPool.giveBack(localizerId, localizer);
        }
    }
}
