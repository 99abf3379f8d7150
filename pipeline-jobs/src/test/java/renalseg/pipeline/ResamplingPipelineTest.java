package renalseg.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.config.RenalsegConfig;
import renalseg.io.NiftiDatatype;
import renalseg.io.NiftiReader;
import renalseg.io.NiftiWriter;
import renalseg.synth.Phantom;
import renalseg.synth.PhantomGenerator;
import renalseg.synth.PhantomSize;
import renalseg.synth.SyntheticCohort;
import renalseg.transforms.Resample;
import renalseg.volume.LabelVolume;

/**
 * A cohort mixing 0.7 / 1.0 mm pixels and 1 / 2.5 / 5 mm slices through every stage with
 * {@code preprocess.resample.spacing-mm = auto}: ROIs on the labelled cases' median spacing, segmentations
 * and metrics on each image's own grid.
 */
class ResamplingPipelineTest {

    static final double[][] SPACINGS = {{0.7, 0.7, 1}, {1, 1, 2.5}, {0.7, 0.7, 5}, {1, 1, 1}, {0.7, 0.7, 2.5},
        {1, 1, 5}};

    @TempDir
    Path tmp;

    @Test
    void mixedSpacingsRunThroughEveryStageAndComeBackOnTheirOwnGrids() throws Exception {
        Path cohort = tmp.resolve("cohort");
        for (int i = 0; i < SPACINGS.length; i++) {
            Phantom p = PhantomGenerator.generate(11, i, PhantomSize.SMALL);
            Path dir = cohort.resolve(p.caseId());
            NiftiWriter.write(dir.resolve(SyntheticCohort.IMAGE), Resample.image(p.image(), SPACINGS[i]),
                NiftiDatatype.INT16);
            NiftiWriter.write(dir.resolve(SyntheticCohort.LABELS), Resample.labels(p.labels(), SPACINGS[i]));
        }
        List<String> sets = PipelineTestSupport.tinySettings();
        sets.addAll(List.of("cohort.uri=\"" + cohort.toUri() + "\"", "preprocess.resample.enabled=true",
            "preprocess.resample.spacing-mm=auto", "roi.unit=mm", "roi.in-plane=34"));
        Config cfg = RenalsegConfig.load(null, sets);
        SparkSession spark = Sparks.session(new SparkSettings("local[2]", "ResamplingPipelineTest",
            Map.of("spark.ui.enabled", "false")));
        try {
            RunFolder run = new RunFolder(tmp.resolve("run").toString(), spark.sparkContext().hadoopConfiguration());
            Pipeline.Summary s = new Pipeline(new PipelineContext(spark, cfg, run, false))
                .run(Pipeline.select(List.of()), Set.of());
            assertEquals(List.copyOf(Pipeline.STAGES.keySet()), s.ran());
            assertEquals(0, s.casesFailed());

            // the target: the median of the labelled cases' spacings (all six passed ingest; the split is drawn
            // after preprocess, so auto plans on every case that could train), worked out from the list above
            List<double[]> train = new ArrayList<>();
            List<String> test = new ArrayList<>();
            for (Row r : run.read(spark, "cases").select("case_id", "split").collectAsList()) {
                int i = Integer.parseInt(r.getString(0).substring(5));
                if ("train".equals(r.getString(1))) {
                    train.add(SPACINGS[i]);
                } else {
                    test.add(r.getString(0));
                }
            }
            assertEquals(4, train.size());
            double[] median = new double[3];
            for (int a = 0; a < 3; a++) {
                double[] v = new double[SPACINGS.length];
                for (int c = 0; c < SPACINGS.length; c++) {
                    v[c] = SPACINGS[c][a];
                }
                Arrays.sort(v);
                median[a] = (v[2] + v[3]) / 2;
            }
            for (Row r : run.read(spark, "inference_rois").select("spacing", "width").collectAsList()) {
                List<Double> sp = r.getList(0);
                assertArrayEquals(median, new double[] {sp.get(0), sp.get(1), sp.get(2)}, 1e-5);
                assertEquals(Math.round(34 / median[0]), r.getInt(1), "34 mm at the target spacing");
            }

            // segmentations on each image's own grid; metrics computed there (truth volume from the file)
            assertEquals(2, test.size());
            for (String id : test) {
                LabelVolume truth = NiftiReader.readLabels(cohort.resolve(id).resolve(SyntheticCohort.LABELS));
                LabelVolume seg = NiftiReader.readLabels(tmp.resolve("run/segmentations/" + id + ".nii.gz"));
                assertArrayEquals(truth.geometry().shape(), seg.geometry().shape(), id);
                assertTrue(Arrays.deepEquals(truth.geometry().affine(), seg.geometry().affine()), id);
                long fg = 0;
                for (byte b : truth.labels()) {
                    fg += b != 0 ? 1 : 0;
                }
                Row m = run.read(spark, "metrics").where("case_id = '" + id + "' and region = 'kidney_and_tumor'")
                    .select("truth_ml").first();
                assertEquals(fg * truth.geometry().voxelMl(), m.getDouble(0), 1e-6, id);
            }
        } finally {
            spark.stop();
        }
    }
}
