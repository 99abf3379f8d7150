package renalseg.pipeline.stages;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.LongAccumulator;
import renalseg.cohort.CaseData;
import renalseg.cohort.CaseReader;
import renalseg.cohort.CaseRef;
import renalseg.cohort.CohortSettings;
import renalseg.cohort.CohortSplit;
import renalseg.cohort.SplitSettings;
import renalseg.localization.CoarseVolume;
import renalseg.localization.LocalizerSettings;
import renalseg.localization.LocalizerTrainer;
import renalseg.pipeline.CaseJob;
import renalseg.pipeline.CoarseStore;
import renalseg.pipeline.ConfigText;
import renalseg.pipeline.HadoopSettings;
import renalseg.pipeline.Outcome;
import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.ResourceProfiles;
import renalseg.pipeline.Pretrained;
import renalseg.pipeline.ResampleSpacing;
import renalseg.pipeline.Stage;
import renalseg.pipeline.StageProgress;
import renalseg.roi.CasePreprocessor;
import renalseg.roi.KidneyRoi;
import renalseg.roi.LabelRoiSource;
import renalseg.roi.PreparedCase;
import renalseg.roi.RoiCodec;
import renalseg.roi.RoiSettings;
import renalseg.tables.CaseRow;
import renalseg.tables.CoarseRow;
import renalseg.tables.Cols;
import renalseg.tables.NormalizationRow;
import renalseg.tables.RoiRow;
import renalseg.transforms.MeanAccumulator;
import renalseg.transforms.PreprocessSettings;
import renalseg.util.InputError;

/**
 * Stage 2: each case read in full on an executor, reoriented to canonical RAS, resampled when
 * {@code preprocess.resample} says so, HU windowed and scaled to [0, 1], and cut into one ROI per kidney; {@code rois} holds each ROI (RoiCodec bytes: voxels, labels,
 * box) with its geometry. The training set's mean intensity (over the training ROIs) goes to the
 * {@code normalization} table; materialization and inference subtract it. When this run trains the
 * localizer, the labelled training cases' coarse scans go to {@code coarse} (the same read of each case).
 * Unlabelled cases give no rows here: the localize stage places their ROIs.
 */
public final class PreprocessStage implements Stage {

    @Override
    public String name() {
        return "preprocess";
    }

    /** Whether this run trains a localizer (so preprocess keeps the training cases' coarse scans). */
    static boolean trainsLocalizer(Config c) {
        return c.getBoolean("localizer.enabled") && !Pretrained.configured(c);
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        List<CaseRow> list = ctx.run().rows(ctx.spark(), CaseRow.TABLE).stream().filter(CaseRow::ok).toList();
        ConfigText conf = new ConfigText(ResampleSpacing.resolve(ctx));
        HadoopSettings hadoop = HadoopSettings.of(ctx.spark().sparkContext().getConf());
        LongAccumulator done = ctx.counter("preprocess cases");
        JavaRDD<CaseRow> in = ctx.jsc().parallelize(new ArrayList<>(list), ctx.partitions(list.size()));
        JavaRDD<Outcome> out = CaseJob.map(ResourceProfiles.cpuOnly(in), CaseRow::caseId, r -> prepare(r, conf, hadoop), done);
        try (StageProgress p = ctx.progress(done, "preprocess", list.size())) {
            out.count();
        }
        long failed = ctx.recordFailures(name(), CaseJob.failures(out));
        Dataset<Row> prepared = ctx.spark().createDataFrame(CaseJob.rows(out, RoiRow.SCHEMA), RoiRow.SCHEMA);
        // the split is drawn here, among the labelled cases that passed ingest and preprocess, so that no
        // test slot goes to a case that cannot be evaluated
        List<String> passed = new ArrayList<>();
        for (Row r : prepared.select("case_id").distinct().collectAsList()) {
            passed.add(Cols.str(r, "case_id"));
        }
        CohortSplit split = Pretrained.configured(ctx.config()) ? new CohortSplit(List.of(), passed)
            : CohortSplit.ofIds(passed, SplitSettings.from(ctx.config()));
        if (split.test().isEmpty()) {
            System.err.println("renalseg: preprocess: warning: no valid test case (" + passed.size()
                + " labelled case(s) passed ingest and preprocess); nothing will be evaluated");
        }
        Column splitCol = splitOf(split);
        ctx.run().writeTable(prepared.withColumn("split", splitCol), RoiRow.ROIS.name());
        if (trainsLocalizer(ctx.config())) {
            ctx.run().writeTable(ctx.spark().createDataFrame(CaseJob.rows(out, CoarseRow.SCHEMA), CoarseRow.SCHEMA)
                .withColumn("split", splitCol).where(col("split").equalTo("train")), CoarseRow.TABLE.name());
        }
        out.unpersist();
        // the cases table carries the split too (null for cases not in it: unlabelled or failed)
        ctx.run().writeTable(ctx.run().read(ctx.spark(), CaseRow.TABLE).withColumn("split", splitCol), CaseRow.TABLE.name());
        if (Pretrained.configured(ctx.config())) {
            // the pretrained checkpoint carries its own normalization; nothing is trained here
            return new StageResult(list.size() - failed, failed);
        }

        Row agg = ctx.run().read(ctx.spark(), RoiRow.ROIS).where(col("split").equalTo("train"))
            .agg(sum("intensity_sum").as("intensity_sum"), sum("intensity_count").as("intensity_count"),
                count("roi_id").as("rois"))
            .first();
        long trainRois = Cols.lng(agg, "rois");
        if (trainRois == 0) {
            throw new InputError("no training ROIs: every training case failed or the cohort has no labelled "
                + "training case (see the failures table)");
        }
        double mean = new MeanAccumulator(Cols.dbl(agg, "intensity_sum"), Cols.lng(agg, "intensity_count")).mean();
        PreprocessSettings ps = PreprocessSettings.from(ctx.config());
        ctx.run().writeTable(ctx.spark(), NormalizationRow.TABLE,
            List.of(new NormalizationRow(mean, ps.huMin(), ps.huMax(), trainRois).toRow()));
        return new StageResult(list.size() - failed, failed);
    }

    /** "train" / "test" by case_id, null for cases in neither list. */
    private static Column splitOf(CohortSplit split) {
        Column c = functions.lit(null).cast(DataTypes.StringType);
        if (!split.train().isEmpty()) {
            c = functions.when(col("case_id").isin(split.train().toArray()), "train").otherwise(c);
        }
        if (!split.test().isEmpty()) {
            c = functions.when(col("case_id").isin(split.test().toArray()), "test").otherwise(c);
        }
        return c;
    }

    /** ROI rows (split left null: drawn once every case is prepared) and, for the localizer, the coarse scan. */
    static List<Row> prepare(CaseRow c, ConfigText conf, HadoopSettings hadoop) {
        String caseId = c.caseId();
        String labelUri = c.labelUri();
        String split = null;
        if (labelUri == null) {
            // an unlabelled case: its ROIs come from the localizer (localize stage)
            return List.of();
        }
        Config cfg = conf.get();
        CohortSettings cs = CohortSettings.from(cfg);
        CaseData d = new CaseReader(cs, hadoop.configuration()).read(new CaseRef(caseId, c.imageUri(), labelUri));
        RoiSettings rs = RoiSettings.from(cfg);
        PreprocessSettings ps = PreprocessSettings.from(cfg);
        PreparedCase pc = new CasePreprocessor(ps, rs, new LabelRoiSource(rs)).prepare(d);
        if (pc.rois().isEmpty()) {
            throw new InputError(caseId + ": no kidney in the label map, so no ROI");
        }
        List<Row> rows = new ArrayList<>();
        for (RoiRow r : roiRows(pc, split, RoiRow.FROM_LABELS)) {
            rows.add(r.toRow());
        }
        if (trainsLocalizer(cfg)) {
            // every labelled case's: which of them train is only known after the split
            CoarseVolume v = LocalizerTrainer.coarseCase(d, LocalizerSettings.from(cfg), ps.window());
            rows.add(new CoarseRow(caseId, split, v.width(), v.height(), v.depth(), CoarseStore.encode(v)).toRow());
        }
        return rows;
    }

    /** One {@link RoiRow} per ROI of a prepared case; {@code source} says where its box came from. */
    static List<RoiRow> roiRows(PreparedCase pc, String split, String source) {
        double[] sp = pc.processing().spacing();
        double[] spacing = {sp[0], sp[1], sp[2]};
        List<RoiRow> rows = new ArrayList<>();
        for (KidneyRoi r : pc.rois()) {
            long kidney = 0;
            long tumor = 0;
            if (r.labels() != null) {
                for (byte b : r.labels()) {
                    kidney += b == 1 ? 1 : 0;
                    tumor += b == 2 ? 1 : 0;
                }
            }
            MeanAccumulator m = MeanAccumulator.EMPTY.add(r.voxels());
            rows.add(new RoiRow(r.id(), pc.caseId(), r.side().name(), split, r.box().x0(), r.box().y0(),
                r.box().z0(), r.width(), r.height(), r.depth(), spacing, r.labels() != null, kidney, tumor, m.sum(),
                m.count(), RoiCodec.encode(r), source));
        }
        return rows;
    }
}
