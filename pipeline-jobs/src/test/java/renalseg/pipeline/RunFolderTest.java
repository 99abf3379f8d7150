package renalseg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.tables.Cols;
import renalseg.tables.FailureRow;

/**
 * Atomic table writes and stage-partitioned tables on the local file system (the s3a:// route is in
 * ObjectStorePipelineTest, through the stages).
 */
class RunFolderTest {

    static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType, false).add("v", DataTypes.StringType);

    @TempDir
    static Path tmp;
    static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        spark = Sparks.session(new SparkSettings("local[2]", "RunFolderTest", Map.of("spark.ui.enabled", "false")));
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    Dataset<Row> rows(int n, boolean failOnLast) {
        List<Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create(i, "r" + i));
        }
        Dataset<Row> df = spark.createDataFrame(rows, SCHEMA).repartition(2);
        if (!failOnLast) {
            return df;
        }
        int last = n - 1;
        return spark.createDataFrame(df.javaRDD().map(r -> {
            if (r.getInt(r.fieldIndex("id")) == last) {
                throw new IllegalStateException("task dies mid-write");
            }
            return r;
        }), SCHEMA);
    }

    void atomicWrites(RunFolder run) {
        assertFalse(run.tableComplete("t"));
        run.writeTable(rows(10, false), "t");
        assertTrue(run.tableComplete("t"));
        Dataset<Row> back = run.read(spark, "t");
        assertEquals(SCHEMA.fieldNames().length, back.schema().fields().length);
        assertEquals(DataTypes.IntegerType, back.schema().apply("id").dataType());
        assertEquals(10, back.count());
        assertEquals(45L, Cols.lng(back.agg(org.apache.spark.sql.functions.sum("id").as("s")).first(), "s"));

        // a write that dies part-way leaves the previous complete version untouched
        assertThrows(Exception.class, () -> run.writeTable(rows(20, true), "t"));
        assertEquals(10, run.read(spark, "t").count());
        run.cleanTemporaries();

        // a table that never completed is not there for the next stage
        assertThrows(Exception.class, () -> run.writeTable(rows(5, true), "u"));
        assertFalse(run.tableComplete("u"));
        assertThrows(IllegalStateException.class, () -> run.read(spark, "u"));

        // stage-partitioned tables: each stage's part replaced on its own, all read as one table
        StructType fs = FailureRow.PART_SCHEMA;
        run.writeStagePart(spark.createDataFrame(List.of(failure("case_1", "m1")), fs), "failures", "ingest");
        run.writeStagePart(spark.createDataFrame(List.of(failure("case_2", "m2"), failure("case_3", "m3")), fs),
            "failures", "infer");
        run.writeStagePart(spark.createDataFrame(List.of(failure("case_4", "m4")), fs), "failures", "infer");
        Dataset<Row> f = run.readParts(spark, FailureRow.TABLE);
        assertEquals(List.of("case_id", "error_type", "message", "stage"), List.of(f.schema().fieldNames()));
        List<FailureRow> all = run.rowsIfPresent(spark, FailureRow.TABLE).stream()
            .sorted(java.util.Comparator.comparing(FailureRow::caseId)).toList();
        assertEquals(List.of(new FailureRow("case_1", "ingest", "E", "m1"), new FailureRow("case_4", "infer", "E", "m4")),
            all);
        assertEquals(List.of(), run.rowsIfPresent(spark, renalseg.tables.MetricRow.TABLE), "an absent table is empty");
    }

    private static Row failure(String caseId, String message) {
        return new FailureRow(caseId, null, "E", message).toPartRow();
    }

    @Test
    void localFolder() throws Exception {
        RunFolder run = new RunFolder(tmp.resolve("local-run").toString(), spark.sparkContext().hadoopConfiguration());
        assertTrue(run.root().startsWith("file:/"));
        atomicWrites(run);
        // a task that was still writing when its job failed may leave a hidden temporary; the next run's
        // cleanTemporaries() removes it
        run.cleanTemporaries();
        try (Stream<Path> s = Files.list(tmp.resolve("local-run/tables"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("_tmp-")), "temporaries left behind");
        }
    }
}
