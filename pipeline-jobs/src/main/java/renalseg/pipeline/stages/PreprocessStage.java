package renalseg.pipeline.stages;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
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
import renalseg.localization.CoarseVolume;
import renalseg.localization.LocalizerSettings;
import renalseg.localization.LocalizerTrainer;
import renalseg.pipeline.CaseJob;
import renalseg.pipeline.CoarseStore;
import renalseg.pipeline.ConfigText;
import renalseg.pipeline.HadoopSettings;
import renalseg.pipeline.Outcome;
import renalseg.pipeline.PipelineContext;
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

    public static final StructType ROIS = new StructType()
        .add("roi_id", DataTypes.StringType, false)
        .add("case_id", DataTypes.StringType, false)
        .add("side", DataTypes.StringType, false)
        .add("split", DataTypes.StringType, true)
        .add("x0", DataTypes.IntegerType, false)
        .add("y0", DataTypes.IntegerType, false)
        .add("z0", DataTypes.IntegerType, false)
        .add("width", DataTypes.IntegerType, false)
        .add("height", DataTypes.IntegerType, false)
        .add("depth", DataTypes.IntegerType, false)
        .add("spacing", DataTypes.createArrayType(DataTypes.DoubleType), false)
        .add("labelled", DataTypes.BooleanType, false)
        .add("kidney_voxels", DataTypes.LongType, false)
        .add("tumor_voxels", DataTypes.LongType, false)
        .add("intensity_sum", DataTypes.DoubleType, false)
        .add("intensity_count", DataTypes.LongType, false)
        .add("roi", DataTypes.BinaryType, false);

    public static final StructType NORMALIZATION = new StructType()
        .add("mean", DataTypes.DoubleType, false)
        .add("hu_min", DataTypes.DoubleType, false)
        .add("hu_max", DataTypes.DoubleType, false)
        .add("training_rois", DataTypes.LongType, false);

    /** Coarse whole scans of the labelled training cases, for the localizer (train stage). */
    public static final StructType COARSE = new StructType()
        .add("case_id", DataTypes.StringType, false)
        .add("split", DataTypes.StringType, true)
        .add("width", DataTypes.IntegerType, false)
        .add("height", DataTypes.IntegerType, false)
        .add("depth", DataTypes.IntegerType, false)
        .add("coarse", DataTypes.BinaryType, false);

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
        Dataset<Row> cases = ctx.run().read(ctx.spark(), "cases").where(col("status").equalTo("ok"));
        List<Row> list = cases.select("case_id", "image_uri", "label_uri", "split").collectAsList();
        ConfigText conf = new ConfigText(ResampleSpacing.resolve(ctx));
        HadoopSettings hadoop = HadoopSettings.of(ctx.spark().sparkContext().getConf());
        LongAccumulator done = ctx.counter("preprocess cases");
        JavaRDD<Row> in = ctx.jsc().parallelize(list, ctx.partitions(list.size()));
        JavaRDD<Outcome> out = CaseJob.map(in, r -> r.getString(0), r -> prepare(r, conf, hadoop), done);
        try (StageProgress p = ctx.progress(done, "preprocess", list.size())) {
            out.count();
        }
        Dataset<Row> rois = ctx.spark().createDataFrame(CaseJob.rows(out, ROIS), ROIS);
        ctx.run().writeTable(rois, "rois");
        if (trainsLocalizer(ctx.config())) {
            ctx.run().writeTable(ctx.spark().createDataFrame(CaseJob.rows(out, COARSE), COARSE), "coarse");
        }
        long failed = ctx.recordFailures(name(), CaseJob.failures(out));
        out.unpersist();
        if (Pretrained.configured(ctx.config())) {
            // the pretrained checkpoint carries its own normalization; nothing is trained here
            return new StageResult(list.size() - failed, failed);
        }

        Row agg = ctx.run().read(ctx.spark(), "rois").where(col("split").equalTo("train"))
            .agg(org.apache.spark.sql.functions.sum("intensity_sum"), org.apache.spark.sql.functions.sum("intensity_count"),
                org.apache.spark.sql.functions.count("roi_id"))
            .first();
        long trainRois = agg.getLong(2);
        if (trainRois == 0) {
            throw new InputError("no training ROIs: every training case failed or the cohort has no labelled "
                + "training case (see the failures table)");
        }
        double mean = new MeanAccumulator(agg.getDouble(0), agg.getLong(1)).mean();
        PreprocessSettings ps = PreprocessSettings.from(ctx.config());
        ctx.run().writeTable(ctx.spark().createDataFrame(
            List.of(RowFactory.create(mean, ps.huMin(), ps.huMax(), trainRois)), NORMALIZATION), "normalization");
        return new StageResult(list.size() - failed, failed);
    }

    static List<Row> prepare(Row c, ConfigText conf, HadoopSettings hadoop) {
        String caseId = c.getString(0);
        String labelUri = c.isNullAt(2) ? null : c.getString(2);
        String split = c.isNullAt(3) ? null : c.getString(3);
        if (labelUri == null) {
            // an unlabelled case: its ROIs come from the localizer (localize stage)
            return List.of();
        }
        Config cfg = conf.get();
        CohortSettings cs = CohortSettings.from(cfg);
        CaseData d = new CaseReader(cs, hadoop.configuration()).read(new CaseRef(caseId, c.getString(1), labelUri));
        RoiSettings rs = RoiSettings.from(cfg);
        PreprocessSettings ps = PreprocessSettings.from(cfg);
        PreparedCase pc = new CasePreprocessor(ps, rs, new LabelRoiSource(rs)).prepare(d);
        if (pc.rois().isEmpty()) {
            throw new InputError(caseId + ": no kidney in the label map, so no ROI");
        }
        List<Row> rows = roiRows(pc, split);
        if ("train".equals(split) && trainsLocalizer(cfg)) {
            CoarseVolume v = LocalizerTrainer.coarseCase(d, LocalizerSettings.from(cfg), ps.window());
            rows.add(RowFactory.create(caseId, split, v.width(), v.height(), v.depth(), CoarseStore.encode(v)));
        }
        return rows;
    }

    /** One {@link #ROIS} row per ROI of a prepared case. */
    static List<Row> roiRows(PreparedCase pc, String split) {
        double[] sp = pc.processing().spacing();
        Double[] spacing = {sp[0], sp[1], sp[2]};
        List<Row> rows = new ArrayList<>();
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
            rows.add(RowFactory.create(r.id(), pc.caseId(), r.side().name(), split, r.box().x0(), r.box().y0(),
                r.box().z0(), r.width(), r.height(), r.depth(), spacing, r.labels() != null, kidney, tumor, m.sum(),
                m.count(), RoiCodec.encode(r)));
        }
        return rows;
    }
}
