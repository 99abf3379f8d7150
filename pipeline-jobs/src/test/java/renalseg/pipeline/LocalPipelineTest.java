package renalseg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.config.RenalsegConfig;
import renalseg.io.NiftiReader;
import renalseg.volume.LabelVolume;
import renalseg.tables.CaseRow;
import renalseg.tables.Cols;
import renalseg.tables.FailureRow;
import renalseg.tables.StageRow;
import renalseg.tables.SummaryRow;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The whole pipeline on local[2] over a tiny synthetic cohort with one truncated image: the broken case
 * ends in failures (stage preprocess), every other case goes on, the test cases reach metrics, every table
 * reads back with its schema, segmentations are in the images' own space, and a rerun skips every stage.
 */
class LocalPipelineTest {

    @TempDir
    Path tmp;

    @Test
    void wholePipelineWithABrokenCase() throws Exception {
        Path cohort = PipelineTestSupport.cohort(tmp.resolve("cohort"), 7, 3);
        List<String> sets = PipelineTestSupport.tinySettings();
        sets.add("cohort.uri=\"" + cohort.toUri() + "\"");
        Config cfg = RenalsegConfig.load(null, sets);
        Path runDir = tmp.resolve("run");
        SparkSession spark = Sparks.session(new SparkSettings("local[2]", "LocalPipelineTest", Map.of("spark.ui.enabled", "false")));
        try {
            RunFolder run = new RunFolder(runDir.toString(), spark.sparkContext().hadoopConfiguration());
            Pipeline.Summary s = new Pipeline(new PipelineContext(spark, cfg, run, false))
                .run(Pipeline.select(List.of()), Set.of());
            assertEquals(List.copyOf(Pipeline.STAGES.keySet()), s.ran());
            assertEquals(1, s.casesFailed(), "only the truncated case fails");

            // cases: all 7 listed, headers read (the truncated file's header is intact)
            Dataset<Row> cases = run.read(spark, "cases");
            assertEquals(7, cases.count());
            assertEquals(DataTypes.createArrayType(DataTypes.IntegerType), cases.schema().apply("shape").dataType());
            CaseRow c0 = CaseRow.from(cases.where("case_id = 'case_00000'").first());
            assertArrayEquals(new int[] {32, 96, 96}, c0.shape(), "KiTS19 storage is (z, y, x)");
            assertEquals("IPL", c0.orientation());

            // failures: exactly the broken case, in preprocess, naming its file
            List<FailureRow> failures = run.rowsIfPresent(spark, FailureRow.TABLE);
            assertEquals(1, failures.size(), failures.toString());
            FailureRow f = failures.get(0);
            assertEquals("case_00003", f.caseId());
            assertEquals("preprocess", f.stage());
            assertTrue(f.message().contains("case_00003"), f.toString());

            // rois: two per good case, none for the broken one
            Dataset<Row> rois = run.read(spark, "rois");
            assertEquals(12, rois.count());
            assertEquals(0, rois.where("case_id = 'case_00003'").count());
            assertEquals(DataTypes.BinaryType, rois.schema().apply("roi").dataType());

            assertEquals(48, run.read(spark, "samples").count());
            Dataset<Row> history = run.read(spark, "history");
            assertEquals(schemaNames(history.schema()), List.of("round", "iteration", "loss", "learning_rate",
                "samples_per_s", "time_s"));
            assertEquals(6, history.count(), "24 iterations x 2 samples / (2 workers x 2 x 2) = 6 rounds");

            // the test cases (split fixed at ingest) reach metrics, one row per region
            Set<String> testCases = new HashSet<>(cases.where("split = 'test'").select("case_id").as(
                org.apache.spark.sql.Encoders.STRING()).collectAsList());
            testCases.remove("case_00003");
            assertFalse(testCases.isEmpty());
            Dataset<Row> metrics = run.read(spark, "metrics");
            // the table contract's columns (case_id, then RegionMetrics.COLUMNS, pinned in CohortStatisticsTest)
            assertEquals(schemaNames(renalseg.tables.MetricRow.SCHEMA), schemaNames(metrics.schema()));
            assertEquals(List.of("case_id", "region", "dice"), schemaNames(metrics.schema()).subList(0, 3));
            assertEquals(testCases, new HashSet<>(metrics.select("case_id").distinct()
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()));
            assertEquals(3L * testCases.size(), metrics.count());

            Dataset<Row> summary = run.read(spark, "summary");
            assertEquals(List.of("region", "metric", "n", "mean", "sd", "median", "min", "max"), schemaNames(summary.schema()));
            SummaryRow dice = SummaryRow.from(summary.where("region = 'kidney' and metric = 'dice'").first());
            // cross-check the summary against the metrics table, computed here independently (by Spark SQL)
            double meanDice = Cols.dbl(metrics.where("region = 'kidney'").agg(org.apache.spark.sql.functions.avg("dice")
                .as("mean")).first(), "mean");
            assertEquals(meanDice, dice.mean(), 1e-12);
            assertEquals(1, summary.where("metric = 'detection_sensitivity'").count());

            // segmentations: in each image's own grid (KiTS19 storage: 32 x 96 x 96 as z, y, x)
            for (String id : testCases) {
                Path seg = runDir.resolve("segmentations").resolve(id + ".nii.gz");
                assertTrue(Files.exists(seg), seg.toString());
                LabelVolume lv = NiftiReader.readLabels(seg);
                LabelVolume truth = NiftiReader.readLabels(cohort.resolve(id).resolve("segmentation.nii.gz"));
                assertEquals(truth.geometry().nx(), lv.geometry().nx());
                assertEquals(truth.geometry().nz(), lv.geometry().nz());
                assertTrue(java.util.Arrays.deepEquals(truth.geometry().affine(), lv.geometry().affine()));
            }
            assertTrue(Files.readString(runDir.resolve("report/index.html")).contains("case_00003"));
            assertTrue(Files.exists(runDir.resolve("config.conf")));
            Dataset<Row> stages = run.readParts(spark, StageRow.TABLE);
            assertEquals(8, stages.count());

            // a rerun skips every completed stage and leaves the tables as they were
            Pipeline.Summary again = new Pipeline(new PipelineContext(spark, cfg, run, false))
                .run(Pipeline.select(List.of()), Set.of());
            assertEquals(List.of(), again.ran());
            assertEquals(8, again.skipped().size());
            assertEquals(3L * testCases.size(), run.read(spark, "metrics").count());
            assertNotNull(run.readText("_done/evaluate"));
        } finally {
            spark.stop();
        }
    }

    static List<String> schemaNames(StructType s) {
        return List.of(s.fieldNames());
    }
}
