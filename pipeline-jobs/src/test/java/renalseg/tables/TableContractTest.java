package renalseg.tables;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.augment.SampleRecord;
import renalseg.metrics.RegionMetrics;
import renalseg.pipeline.RunFolder;
import renalseg.pipeline.SparkSettings;
import renalseg.pipeline.Sparks;
import renalseg.training.HistoryRow;

/**
 * The table contract through real Parquet files: each record written by its declaration and read back
 * equal, and rows read by column name whatever the files' column order, extra columns or integer width.
 */
class TableContractTest {

    @TempDir
    static Path tmp;
    static SparkSession spark;
    static RunFolder run;

    @BeforeAll
    static void start() {
        spark = Sparks.session(new SparkSettings("local[1]", "TableContractTest", Map.of("spark.ui.enabled", "false")));
        run = new RunFolder(tmp.resolve("run").toString(), spark.sparkContext().hadoopConfiguration());
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void recordsRoundTripThroughParquet() {
        CaseRow c = new CaseRow("case_1", "file:/c/img.nii.gz", null, new int[] {32, 96, 96},
            new double[] {2.5, 0.8, 0.8}, "IPL", "int16", 1234L, false, null, "ok");
        run.writeTable(spark, CaseRow.TABLE, List.of(c.toRow()));
        CaseRow c2 = run.rows(spark, CaseRow.TABLE).get(0);
        assertEquals("case_1", c2.caseId());
        assertNull(c2.labelUri());
        assertArrayEquals(new int[] {32, 96, 96}, c2.shape());
        assertArrayEquals(new double[] {2.5, 0.8, 0.8}, c2.spacing());
        assertEquals(1234L, c2.bytes());
        assertEquals("ok", c2.status());

        RoiRow r = new RoiRow("case_1_L", "case_1", "LEFT", "test", 1, 2, 3, 10, 11, 12, new double[] {1, 1, 2.5}, true,
            100, 7, 55.5, 1320, new byte[] {9, 8, 7}, RoiRow.FROM_LOCALIZER);
        run.writeTable(spark, RoiRow.INFERENCE_ROIS, List.of(r.toRow()));
        RoiRow r2 = run.rows(spark, RoiRow.INFERENCE_ROIS).get(0);
        assertEquals(List.of("case_1_L", "LEFT", 3, 12, 7L, 1320L, "localizer"),
            List.of(r2.roiId(), r2.side(), r2.z0(), r2.depth(), r2.tumorVoxels(), r2.intensityCount(), r2.roiSource()));
        assertArrayEquals(new byte[] {9, 8, 7}, r2.roi());

        MetricRow m = new MetricRow("case_1", new RegionMetrics("tumor", 0.5, null, 1.5, 2.5, 3.5, 0.25, 1.0, 2.0,
            "prediction empty", Boolean.TRUE, null));
        run.writeTable(spark, MetricRow.TABLE, List.of(m.toRow()));
        assertEquals(List.of(m), run.rows(spark, MetricRow.TABLE));

        SampleRow s = new SampleRow(7, new SampleRecord("case_1_L", 1, 2, 3, true, false, true, 99L));
        run.writeTable(spark, SampleRow.TABLE, List.of(s.toRow()));
        assertEquals(List.of(s), run.rows(spark, SampleRow.TABLE));

        LocalizationRow l = new LocalizationRow("case_1", null, 2, 2, null, 0.4, "two kidneys");
        run.writeTable(spark, LocalizationRow.TABLE, List.of(l.toRow()));
        assertEquals(List.of(l), run.rows(spark, LocalizationRow.TABLE));
    }

    @Test
    void rowsAreReadByNameWhateverTheFilesLayout() {
        // columns reversed, one extra column, the integer columns one width wider than the contract's
        StructType other = new StructType().add("note", DataTypes.StringType).add("tumor_voxels", DataTypes.LongType)
            .add("kidney_voxels", DataTypes.LongType).add("rois", DataTypes.LongType).add("uri", DataTypes.StringType)
            .add("case_id", DataTypes.StringType);
        run.writeTable(spark.createDataFrame(List.of(RowFactory.create("x", 5L, 40L, 2L, "file:/s.nii.gz", "case_9")),
            other), SegmentationRow.TABLE.name());
        assertEquals(List.of(new SegmentationRow("case_9", "file:/s.nii.gz", 2, 40, 5)),
            run.rows(spark, SegmentationRow.TABLE));

        // a history written before samples_per_s and time_s existed: NaN, not a failure
        StructType old = new StructType().add("round", DataTypes.LongType).add("iteration", DataTypes.LongType)
            .add("loss", DataTypes.DoubleType).add("learning_rate", DataTypes.DoubleType);
        run.writeTable(spark.createDataFrame(List.of(RowFactory.create(3L, 30L, 0.7, 1e-3)), old),
            HistoryTable.FINE.name());
        HistoryRow h = run.rows(spark, HistoryTable.FINE).get(0);
        assertEquals(3, h.round());
        assertEquals(30L, h.iteration());
        assertTrue(Double.isNaN(h.samplesPerS()) && Double.isNaN(h.timeS()), h.toString());

        assertEquals(List.of(), run.rowsIfPresent(spark, PredictionRow.TABLE), "a table not written is empty");
    }
}
