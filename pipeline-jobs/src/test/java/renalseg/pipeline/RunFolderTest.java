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
            if (r.getInt(0) == last) {
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
        assertEquals(45L, back.agg(org.apache.spark.sql.functions.sum("id")).first().getLong(0));

        // a write that dies part-way leaves the previous complete version untouched
        assertThrows(Exception.class, () -> run.writeTable(rows(20, true), "t"));
        assertEquals(10, run.read(spark, "t").count());
        run.cleanTemporaries();

        // a table that never completed is not there for the next stage
        assertThrows(Exception.class, () -> run.writeTable(rows(5, true), "u"));
        assertFalse(run.tableComplete("u"));
        assertThrows(IllegalStateException.class, () -> run.read(spark, "u"));

        // stage-partitioned tables: each stage's part replaced on its own, all read as one table
        StructType fs = Tables.FAILURE_PART;
        run.writeStagePart(spark.createDataFrame(List.of(RowFactory.create("case_1", "E", "m1")), fs), "failures", "ingest");
        run.writeStagePart(spark.createDataFrame(List.of(RowFactory.create("case_2", "E", "m2"),
            RowFactory.create("case_3", "E", "m3")), fs), "failures", "infer");
        run.writeStagePart(spark.createDataFrame(List.of(RowFactory.create("case_4", "E", "m4")), fs), "failures", "infer");
        Dataset<Row> f = run.readParts(spark, "failures", fs);
        assertEquals(List.of("case_id", "error_type", "message", "stage"), List.of(f.schema().fieldNames()));
        List<Row> all = f.orderBy("case_id").collectAsList();
        assertEquals(2, all.size());
        assertEquals("case_1", all.get(0).getString(0));
        assertEquals("ingest", all.get(0).getString(3));
        assertEquals("case_4", all.get(1).getString(0));
        assertEquals("infer", all.get(1).getString(3));
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
