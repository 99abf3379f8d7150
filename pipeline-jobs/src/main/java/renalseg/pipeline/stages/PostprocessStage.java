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
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import renalseg.cohort.CaseReader;
import renalseg.cohort.CohortSettings;
import renalseg.io.NiftiHeader;
import renalseg.io.NiftiWriter;
import renalseg.pipeline.CaseJob;
import renalseg.pipeline.ConfigText;
import renalseg.pipeline.HadoopSettings;
import renalseg.pipeline.Outcome;
import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.Stage;
import renalseg.pipeline.StageProgress;
import renalseg.postprocessing.components.Connectivity;
import renalseg.postprocessing.components.LargestComponents;
import renalseg.postprocessing.crf.CrfRefiner;
import renalseg.postprocessing.crf.CrfSettings;
import renalseg.roi.KidneyRoi;
import renalseg.roi.RoiBox;
import renalseg.roi.RoiCodec;
import renalseg.roi.PreparedCase;
import renalseg.transforms.PreprocessSettings;
import renalseg.volume.LabelVolume;
import renalseg.volume.Reorientation;
import scala.Tuple2;

/**
 * Stage 7: per case (its ROIs grouped on one executor): the CRF on each ROI's probabilities and HU, the
 * largest 18-connected kidney-or-tumor component per ROI, the ROIs pasted into the canonical volume and
 * turned back to the image file's own grid and affine, written as {@code segmentations/case_XXXXX.nii.gz}.
 */
public final class PostprocessStage implements Stage {

    public static final StructType SEGMENTATIONS = new StructType()
        .add("case_id", DataTypes.StringType, false)
        .add("uri", DataTypes.StringType, false)
        .add("rois", DataTypes.IntegerType, false)
        .add("kidney_voxels", DataTypes.LongType, false)
        .add("tumor_voxels", DataTypes.LongType, false);

    @Override
    public String name() {
        return "postprocess";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        Dataset<Row> preds = ctx.run().read(ctx.spark(), "predictions");
        Dataset<Row> rois = ctx.run().read(ctx.spark(), "inference_rois").select("roi_id", "roi", "spacing");
        Dataset<Row> cases = ctx.run().read(ctx.spark(), "cases").select("case_id", "image_uri");
        Dataset<Row> joined = preds.join(rois, "roi_id").join(cases, "case_id")
            .select("case_id", "roi_id", "labels", "probabilities", "roi", "image_uri", "spacing");
        ConfigText conf = new ConfigText(ctx.config());
        HadoopSettings hadoop = HadoopSettings.of(ctx.spark().sparkContext().getConf());
        String segDir = ctx.run().path("segmentations");
        long n = joined.select("case_id").distinct().count();
        JavaPairRDD<String, Iterable<Row>> byCase = joined.javaRDD()
            .mapToPair(r -> new Tuple2<>(r.getString(0), r)).groupByKey(ctx.partitions(n));
        LongAccumulator done = ctx.counter("postprocess cases");
        JavaRDD<Outcome> out = CaseJob.map(byCase.map(t -> t), t -> t._1(),
            t -> List.of(postprocess(t._1(), t._2(), conf, hadoop, segDir)), done);
        try (StageProgress p = ctx.progress(done, "postprocess", n)) {
            out.count();
        }
        ctx.run().writeTable(ctx.spark().createDataFrame(CaseJob.rows(out), SEGMENTATIONS), "segmentations");
        long failed = ctx.recordFailures(name(), CaseJob.failures(out));
        out.unpersist();
        return new StageResult(n - failed, failed);
    }

    static Row postprocess(String caseId, Iterable<Row> roiRows, ConfigText conf, HadoopSettings hadoop, String segDir)
        throws Exception {
        CrfSettings crf = CrfSettings.from(conf.get());
        PreprocessSettings ps = PreprocessSettings.from(conf.get());
        Connectivity conn = Connectivity.of(conf.get().getInt("postprocess.connectivity"));
        List<RoiBox> boxes = new ArrayList<>();
        List<byte[]> results = new ArrayList<>();
        String imageUri = null;
        double[] processingSpacing = null;
        for (Row r : roiRows) {
            imageUri = r.getString(5);
            List<Double> rowSpacing = r.getList(6);
            processingSpacing = new double[] {rowSpacing.get(0), rowSpacing.get(1), rowSpacing.get(2)};
            KidneyRoi roi = RoiCodec.decode((byte[]) r.get(4));
            byte[] labels = RoiCodec.decodeBytes((byte[]) r.get(2));
            int nx = roi.width();
            int ny = roi.height();
            int nz = roi.depth();
            if (crf.enabled()) {
                if (r.isNullAt(3)) {
                    throw new IllegalStateException(caseId + ": the CRF is enabled but infer kept no probabilities "
                        + "(rerun infer with postprocess.crf.enabled = true)");
                }
                float[] probs = RoiCodec.decodeFloats((byte[]) r.get(3));
                float[] hu = new float[roi.voxels().length];
                for (int i = 0; i < hu.length; i++) {
                    hu[i] = (float) (ps.huMin() + roi.voxels()[i] * (ps.huMax() - ps.huMin()));
                }
                int classes = probs.length / hu.length;
                List<Double> sp = r.getList(6);
                double[] spacing = {sp.get(0), sp.get(1), sp.get(2)};
                labels = CrfRefiner.refine(probs, hu, classes, nx, ny, nz, spacing, crf);
            }
            labels = LargestComponents.keep(labels, nx, ny, nz, 1, conn);
            boxes.add(roi.box());
            results.add(labels);
        }
        CaseReader reader = new CaseReader(CohortSettings.from(conf.get()), hadoop.configuration());
        NiftiHeader h = reader.header(imageUri);
        Reorientation ro = Reorientation.of(h.geometry());
        // ROIs are on the processing grid (resampled or not); results go back to the image's own grid
        LabelVolume source = PreparedCase.pasteToSource(ro, PreparedCase.processingGrid(ro, processingSpacing),
            boxes, results);
        Path out = new Path(segDir + "/" + caseId + ".nii.gz");
        FileSystem fs = out.getFileSystem(hadoop.configuration());
        try (OutputStream os = new GZIPOutputStream(fs.create(out, true), 1 << 16)) {
            NiftiWriter.write(os, source);
        }
        long kidney = 0;
        long tumor = 0;
        for (byte b : source.labels()) {
            kidney += b == 1 ? 1 : 0;
            tumor += b == 2 ? 1 : 0;
        }
        return RowFactory.create(caseId, out.toString(), boxes.size(), kidney, tumor);
    }
}
