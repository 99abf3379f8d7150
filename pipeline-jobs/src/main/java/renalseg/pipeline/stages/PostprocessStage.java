package renalseg.pipeline.stages;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import renalseg.cohort.CaseReader;
import renalseg.cohort.CohortSettings;
import renalseg.inferers.CaseSegmenter;
import renalseg.io.NiftiHeader;
import renalseg.io.NiftiWriter;
import renalseg.pipeline.CaseJob;
import renalseg.pipeline.ConfigText;
import renalseg.pipeline.HadoopSettings;
import renalseg.pipeline.Outcome;
import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.ResourceProfiles;
import renalseg.pipeline.Stage;
import renalseg.pipeline.StageProgress;
import renalseg.plan.SegmentationPlan;
import renalseg.pipeline.TaskSlot;
import renalseg.roi.KidneyRoi;
import renalseg.roi.PreparedCase;
import renalseg.roi.RoiCodec;
import renalseg.tables.CaseRow;
import renalseg.tables.Cols;
import renalseg.tables.PredictionRow;
import renalseg.tables.RoiRow;
import renalseg.tables.SegmentationRow;
import renalseg.volume.LabelVolume;
import renalseg.volume.Reorientation;
import scala.Tuple2;

/**
 * Stage 7: per case (its ROIs grouped on one executor), {@link CaseSegmenter}'s post-processing with the
 * checkpoint's plan: the CRF on each ROI's probabilities and HU, the largest kidney-or-tumor component per
 * ROI, the ROIs pasted into the canonical volume and turned back to the image file's own grid and affine
 * ({@link PreparedCase#pasteToSource}), written as {@code segmentations/case_XXXXX.nii.gz}.
 */
public final class PostprocessStage implements Stage {

    @Override
    public String name() {
        return "postprocess";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        Dataset<Row> preds = ctx.run().read(ctx.spark(), PredictionRow.TABLE);
        Dataset<Row> rois = ctx.run().read(ctx.spark(), RoiRow.INFERENCE_ROIS).select("roi_id", "roi", "spacing");
        Dataset<Row> cases = ctx.run().read(ctx.spark(), CaseRow.TABLE).select("case_id", "image_uri");
        // one row per ROI: the prediction's columns, its ROI's bytes and spacing, its case's image (read by name)
        Dataset<Row> joined = preds.join(rois, "roi_id").join(cases, "case_id");
        ConfigText conf = new ConfigText(ctx.config());
        SegmentationPlan plan = SegmentationPlan.from(ctx.planned());
        HadoopSettings hadoop = HadoopSettings.of(ctx.spark().sparkContext().getConf());
        String segDir = ctx.run().path("segmentations");
        long n = joined.select("case_id").distinct().count();
        JavaPairRDD<String, Iterable<Row>> byCase = joined.javaRDD()
            .mapToPair(r -> new Tuple2<>(Cols.str(r, "case_id"), r)).groupByKey(ctx.partitions(n));
        LongAccumulator done = ctx.counter("postprocess cases");
        JavaRDD<Outcome> out = CaseJob.map(ResourceProfiles.cpuOnly(byCase.map(t -> t)), t -> t._1(),
            t -> List.of(postprocess(t._1(), t._2(), plan, conf, hadoop, segDir)), done);
        try (StageProgress p = ctx.progress(done, "postprocess", n)) {
            out.count();
        }
        ctx.run().writeTable(ctx.spark().createDataFrame(CaseJob.rows(out), SegmentationRow.SCHEMA),
            SegmentationRow.TABLE.name());
        long failed = ctx.recordFailures(name(), CaseJob.failures(out));
        out.unpersist();
        return new StageResult(n - failed, failed);
    }

    static Row postprocess(String caseId, Iterable<Row> roiRows, SegmentationPlan plan, ConfigText conf,
                           HadoopSettings hadoop, String segDir) throws Exception {
        List<KidneyRoi> rois = new ArrayList<>();
        List<byte[]> results = new ArrayList<>();
        String imageUri = null;
        double[] processingSpacing = null;
        for (Row r : roiRows) {
            PredictionRow p = PredictionRow.from(r);
            imageUri = Cols.str(r, "image_uri");
            KidneyRoi roi = RoiCodec.decode(Cols.bytes(r, "roi"));
            float[] probs = p.probabilities() == null ? null : RoiCodec.decodeFloats(p.probabilities());
            double[] spacing = Cols.doubles(r, "spacing");
            processingSpacing = spacing;
            // a kidney ROI keeps the kidney-or-tumor component at its centre; the CRF uses the task's share of the
            // cores (1 under the CPU-only profile of GPU clusters)
            results.add(CaseSegmenter.postprocess(roi, RoiCodec.decodeBytes(p.labels()), probs, spacing, plan, true,
                TaskSlot.threads()));
            rois.add(roi);
        }
        CaseReader reader = new CaseReader(CohortSettings.from(conf.get()), hadoop.configuration());
        NiftiHeader h = reader.header(imageUri);
        Reorientation ro = Reorientation.of(h.geometry());
        // ROIs are on the processing grid (resampled or not); results go back to the image's own grid
        LabelVolume source = new PreparedCase(caseId, ro, PreparedCase.processingGrid(ro, processingSpacing), rois)
            .pasteToSource(results);
        Path out = new Path(segDir + "/" + caseId + ".nii.gz");
        FileSystem fs = out.getFileSystem(hadoop.configuration());
        renalseg.io.AtomicFiles.write(fs, out, os -> {
            try (OutputStream gz = new GZIPOutputStream(os, 1 << 16)) {
                NiftiWriter.write(gz, source);
            }
        });
        long kidney = 0;
        long tumor = 0;
        for (byte b : source.labels()) {
            kidney += b == 1 ? 1 : 0;
            tumor += b == 2 ? 1 : 0;
        }
        return new SegmentationRow(caseId, out.toString(), rois.size(), kidney, tumor).toRow();
    }
}
