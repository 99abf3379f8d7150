package renalseg.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.config.RenalsegConfig;
import renalseg.tables.Cols;
import renalseg.tables.FailureRow;
import renalseg.tables.NormalizationRow;
import renalseg.tables.RoiRow;

/**
 * Ingest and preprocess with the cohort and the run folder in an S3 API server (S3Proxy, its own process on
 * loopback, reached through s3a:// with path-style access): the same cases and ROIs, byte for byte, as from
 * local files, and the credentials appear in no output.
 */
class ObjectStorePipelineTest {

    @TempDir
    Path tmp;

    @Test
    void s3aGivesTheSameTablesAsLocalFiles() throws Exception {
        Path cohort = PipelineTestSupport.cohort(tmp.resolve("cohort"), 3, -1);
        try (S3ProxyServer s3 = new S3ProxyServer(Files.createDirectories(tmp.resolve("s3")), "cohorts", "runs")) {
            Map<String, String> conf = new HashMap<>(s3.sparkConf());
            conf.put("spark.ui.enabled", "false");
            SparkSession spark = Sparks.session(new SparkSettings("local[2]", "ObjectStorePipelineTest", conf));
            try {
                FileSystem fs = FileSystem.get(URI.create("s3a://cohorts/"), spark.sparkContext().hadoopConfiguration());
                fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(cohort.toUri()),
                    new org.apache.hadoop.fs.Path("s3a://cohorts/kits19"));

                List<String> stages = List.of("ingest", "preprocess");
                // a user who (wrongly) puts the secret into the configuration file: it must not reach config.conf
                List<String> s3Sets = new ArrayList<>(PipelineTestSupport.tinySettings());
                s3Sets.add("cohort.uri=\"s3a://cohorts/kits19\"");
                s3Sets.add("spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=\"" + s3.credential + "\"");
                Config s3Cfg = RenalsegConfig.load(null, s3Sets);
                RunFolder s3Run = new RunFolder("s3a://runs/study/run-1", spark.sparkContext().hadoopConfiguration());
                new Pipeline(new PipelineContext(spark, s3Cfg, s3Run, false)).run(Pipeline.select(stages), Set.of());

                List<String> localSets = new ArrayList<>(PipelineTestSupport.tinySettings());
                localSets.add("cohort.uri=\"" + cohort.toUri() + "\"");
                RunFolder localRun = new RunFolder(tmp.resolve("local-run").toString(), spark.sparkContext().hadoopConfiguration());
                new Pipeline(new PipelineContext(spark, RenalsegConfig.load(null, localSets), localRun, false))
                    .run(Pipeline.select(stages), Set.of());

                // the run folder really is in the object store
                assertTrue(Files.exists(tmp.resolve("s3/blobs/runs/study/run-1/tables/rois/_SUCCESS")));
                List<Row> s3Cases = s3Run.read(spark, "cases").orderBy("case_id").collectAsList();
                List<Row> localCases = localRun.read(spark, "cases").orderBy("case_id").collectAsList();
                assertEquals(3, s3Cases.size());
                for (int i = 0; i < 3; i++) {
                    Row a = s3Cases.get(i);
                    Row b = localCases.get(i);
                    assertTrue(a.getString(a.fieldIndex("image_uri")).startsWith("s3a://cohorts/kits19/"));
                    for (String c : List.of("case_id", "shape", "spacing", "orientation", "datatype", "bytes", "labelled",
                        "split", "status")) {
                        assertEquals(b.get(b.fieldIndex(c)), a.get(a.fieldIndex(c)), c + " of " + Cols.str(a, "case_id"));
                    }
                }
                List<Row> s3Rois = s3Run.read(spark, "rois").orderBy("roi_id").collectAsList();
                List<Row> localRois = localRun.read(spark, "rois").orderBy("roi_id").collectAsList();
                assertEquals(6, s3Rois.size());
                assertEquals(localRois.size(), s3Rois.size());
                for (int i = 0; i < s3Rois.size(); i++) {
                    assertEquals(RoiRow.from(localRois.get(i)).roiId(), RoiRow.from(s3Rois.get(i)).roiId());
                    assertArrayEquals((byte[]) localRois.get(i).getAs("roi"), (byte[]) s3Rois.get(i).getAs("roi"));
                }
                assertEquals(localRun.rows(spark, NormalizationRow.TABLE), s3Run.rows(spark, NormalizationRow.TABLE));

                String written = s3Run.readText("config.conf");
                assertFalse(written.contains(s3.credential), "the secret key reached config.conf");
                assertTrue(written.contains("***"));
                assertEquals(0, s3Run.readParts(spark, FailureRow.TABLE).count());
            } finally {
                spark.stop();
            }
        }
    }
}
