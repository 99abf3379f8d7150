package renalseg.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark side of the report: reads a run folder's Parquet tables into plain records and moves files in
 * and out of the run folder (any Hadoop file system). Tables the run does not have yet are empty lists;
 * columns are looked up by name (snake_case, as the pipeline writes them), so extra columns do no harm.
 */
final class RunTables {

    /**
     * The columns the report reads, as the table contract names them, for the tables whose types are
     * unambiguous (text, double, boolean). Tables with integer columns (summary.n, history.round) are read
     * with the schema their files have: Parquet does not widen int to long on read, and the pipeline may
     * write either.
     */
    static final StructType METRICS = new StructType().add("case_id", DataTypes.StringType)
        .add("region", DataTypes.StringType).add("dice", DataTypes.DoubleType).add("assd_mm", DataTypes.DoubleType)
        .add("assd_vox", DataTypes.DoubleType).add("hd95_mm", DataTypes.DoubleType)
        .add("hausdorff_mm", DataTypes.DoubleType).add("surface_dice", DataTypes.DoubleType)
        .add("pred_ml", DataTypes.DoubleType).add("truth_ml", DataTypes.DoubleType)
        .add("null_reason", DataTypes.StringType).add("detected", DataTypes.BooleanType)
        .add("false_positive", DataTypes.BooleanType);
    /** Of the cases table (ingest writes more columns) only where each case's files are. */
    static final StructType CASES = new StructType().add("case_id", DataTypes.StringType)
        .add("image_uri", DataTypes.StringType).add("label_uri", DataTypes.StringType);
    /** The stage-partitioned tables' columns, as the pipeline writes them (renalseg.pipeline.Tables). */
    static final StructType FAILURES = new StructType().add("case_id", DataTypes.StringType)
        .add("error_type", DataTypes.StringType).add("message", DataTypes.StringType).add("stage", DataTypes.StringType);
    static final StructType STAGES = new StructType().add("started_at", DataTypes.TimestampType)
        .add("seconds", DataTypes.DoubleType).add("cases_ok", DataTypes.LongType).add("cases_failed", DataTypes.LongType)
        .add("stage", DataTypes.StringType);

    private final SparkSession spark;
    private final String root;
    private final Configuration hadoop;

    RunTables(SparkSession spark, String runUri) {
        this.spark = spark;
        this.root = toUri(runUri);
        this.hadoop = spark.sparkContext().hadoopConfiguration();
    }

    /** A local path becomes an absolute file: URI; URIs with a scheme stay as they are (no trailing slash). */
    static String toUri(String pathOrUri) {
        String u = pathOrUri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") ? pathOrUri
            : Paths.get(pathOrUri).toAbsolutePath().normalize().toUri().toString();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    String root() {
        return root;
    }

    String segmentationUri(String caseId) {
        return root + "/segmentations/" + caseId + ".nii.gz";
    }

    Configuration hadoop() {
        return hadoop;
    }

    StudyData read() {
        if (!exists("")) {
            throw new renalseg.util.InputError("run folder " + root + " does not exist");
        }
        String name = root.substring(root.lastIndexOf('/') + 1);
        return new StudyData(name,
            rows("metrics", METRICS, r -> new MetricRow(str(r, "case_id"), str(r, "region"), dbl(r, "dice"), dblOrNull(r, "assd_mm"),
                dblOrNull(r, "assd_vox"), dblOrNull(r, "hd95_mm"), dblOrNull(r, "hausdorff_mm"), dbl(r, "surface_dice"),
                dbl(r, "pred_ml"), dbl(r, "truth_ml"), str(r, "null_reason"), bool(r, "detected"),
                bool(r, "false_positive"))),
            rows("summary", r -> new SummaryRow(str(r, "region"), str(r, "metric"), lng(r, "n"), dblOrNull(r, "mean"),
                dblOrNull(r, "sd"), dblOrNull(r, "median"), dblOrNull(r, "min"), dblOrNull(r, "max"))),
            sorted(rows("history", r -> new HistoryRow(lng(r, "round"), lng(r, "iteration"), dbl(r, "loss"),
                dbl(r, "learning_rate"), dblOrNull(r, "samples_per_s"), dblOrNull(r, "time_s"))),
                Comparator.comparingLong(HistoryRow::iteration)),
            sorted(rows("failures", FAILURES, r -> new FailureRow(str(r, "case_id"), str(r, "stage"), str(r, "error_type"),
                str(r, "message"))), Comparator.comparing(FailureRow::stage).thenComparing(FailureRow::caseId)),
            sorted(rows("stages", STAGES, r -> new StageRow(str(r, "stage"), instant(r, "started_at"), dbl(r, "seconds"),
                lng(r, "cases_ok"), lng(r, "cases_failed"))),
                Comparator.comparing(StageRow::startedAt, Comparator.nullsLast(Comparator.naturalOrder()))),
            rows("cases", CASES, r -> str(r, "image_uri") != null ? new CaseFiles(str(r, "case_id"), str(r, "image_uri"),
                str(r, "label_uri")) : null),
            sorted(rows("localizations", r -> new LocalizationRow(str(r, "case_id"), lng(r, "kidneys"), lng(r, "rois"),
                dblOrNull(r, "recall"), dbl(r, "seconds"), str(r, "finding"))),
                Comparator.comparing(LocalizationRow::caseId)),
            exists("config.conf") ? readText("config.conf") : null);
    }

    private static <T> List<T> sorted(List<T> l, Comparator<T> c) {
        List<T> out = new ArrayList<>(l);
        out.sort(c);
        return out;
    }

    /**
     * A table's rows as records; empty when the table is not there. Stage-partitioned tables (failures,
     * stages) get their {@code stage} column from the {@code stage=S} folders.
     */
    private <T> List<T> rows(String table, Function<Row, T> map) {
        return rows(table, null, map);
    }

    /**
     * With the contract's schema Spark skips the job that infers it from the files' footers; if the files
     * disagree with it anyway, the table is read again with the schema they have.
     */
    private <T> List<T> rows(String table, StructType schema, Function<Row, T> map) {
        if (!exists("tables/" + table)) {
            return List.of();
        }
        String path = root + "/tables/" + table;
        List<Row> collected;
        try {
            collected = (schema == null ? spark.read() : spark.read().schema(schema)).parquet(path).collectAsList();
        } catch (Exception e) {
            if (schema == null) {
                throw e;
            }
            collected = spark.read().parquet(path).collectAsList();
        }
        List<T> out = new ArrayList<>();
        for (Row r : collected) {
            T t = map.apply(r);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    private static boolean has(Row r, String col) {
        return Arrays.asList(r.schema().fieldNames()).contains(col);
    }

    private static Object get(Row r, String col) {
        return has(r, col) ? r.get(r.fieldIndex(col)) : null;
    }

    private static String str(Row r, String col) {
        Object o = get(r, col);
        return o == null ? null : o.toString();
    }

    private static Double dblOrNull(Row r, String col) {
        Object o = get(r, col);
        return o instanceof Number n ? n.doubleValue() : null;
    }

    private static double dbl(Row r, String col) {
        Double d = dblOrNull(r, col);
        return d == null ? Double.NaN : d;
    }

    private static long lng(Row r, String col) {
        Object o = get(r, col);
        return o instanceof Number n ? n.longValue() : 0L;
    }

    private static Boolean bool(Row r, String col) {
        Object o = get(r, col);
        return o instanceof Boolean b ? b : null;
    }

    private static java.time.Instant instant(Row r, String col) {
        Object o = get(r, col);
        if (o instanceof Timestamp t) {
            return t.toInstant();
        }
        return o instanceof java.time.Instant i ? i : null;
    }

    private FileSystem fs() {
        try {
            return FileSystem.get(URI.create(root), hadoop);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of run folder " + root + ": " + e.getMessage(), e);
        }
    }

    private boolean exists(String relative) {
        try {
            return fs().exists(new org.apache.hadoop.fs.Path(relative.isEmpty() ? root : root + "/" + relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readText(String relative) {
        try (InputStream in = fs().open(new org.apache.hadoop.fs.Path(root + "/" + relative))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root + "/" + relative + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code writer} on {@code <run>/report} when the run folder is local; otherwise on a local
     * temporary folder whose files are then copied to {@code <run>/report/} (index.html last, so a reader
     * never finds a page whose images are not there yet). Returns the URI of index.html.
     */
    String publishReport(StudyReport.LocalWriter writer) throws IOException {
        // written locally first, then each file put in place whole (AtomicFiles), index.html last
        Path tmp = Files.createTempDirectory("renalseg-report");
        try {
            Path index = writer.write(tmp);
            FileSystem fs = fs();
            org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(root + "/report");
            fs.mkdirs(target);
            List<Path> files;
            try (Stream<Path> s = Files.list(tmp)) {
                files = s.filter(p -> !p.equals(index)).sorted().toList();
            }
            for (Path f : files) {
                renalseg.io.AtomicFiles.copyFromLocal(fs, f,
                    new org.apache.hadoop.fs.Path(target, f.getFileName().toString()));
            }
            renalseg.io.AtomicFiles.copyFromLocal(fs, index, new org.apache.hadoop.fs.Path(target, StudyReport.INDEX));
            URI uri = URI.create(root);
            return "file".equals(uri.getScheme()) ? Paths.get(uri).resolve("report").resolve(StudyReport.INDEX).toUri()
                .toString() : root + "/report/" + StudyReport.INDEX;
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
