package renalseg.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import renalseg.io.AtomicFiles;
import renalseg.tables.Table;

/**
 * A run folder on any Hadoop file system ({@code file://}, {@code s3a://}, {@code hdfs://}):
 * <pre>
 *   config.conf                    effective configuration, credentials redacted
 *   tables/NAME/                   Parquet tables (complete when NAME/_SUCCESS exists)
 *   tables/failures/stage=S/       failures of stage S (read tables/failures for all of them)
 *   tables/stages/stage=S/         timing row of stage S
 *   checkpoints/                   training checkpoints
 *   segmentations/case_XXXXX.nii.gz
 *   report/index.html
 *   _done/S                        marker: stage S completed; a rerun skips it
 * </pre>
 * Tables are written to a hidden temporary folder beside their final place and renamed when complete,
 * so a stage that dies leaves no half-written table for the next run to read.
 */
public final class RunFolder {

    private final String root;
    private final Configuration hadoop;

    public RunFolder(String root, Configuration hadoop) {
        this.root = stripSlash(toUri(root));
        this.hadoop = hadoop;
    }

    /** A local path becomes an absolute file: URI; URIs with a scheme stay as they are. */
    public static String toUri(String pathOrUri) {
        if (pathOrUri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || pathOrUri.startsWith("file:")) {
            return pathOrUri;
        }
        return Paths.get(pathOrUri).toAbsolutePath().normalize().toUri().toString();
    }

    /**
     * {@code <dir>/<id>}; when the id is null a dated one, {@code yyyyMMdd-HHmmss-<pid>-<4 random hex>}: the
     * pid keeps runs started in the same second on one host apart, the random part those on different hosts
     * (the run lock would stop a collision anyway, with an error instead of a run).
     */
    public static String resolve(String runsDir, String id) {
        String name = id != null ? id : LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
            + "-" + ProcessHandle.current().pid() + "-" + String.format("%04x", new java.security.SecureRandom().nextInt(1 << 16));
        return stripSlash(toUri(runsDir)) + "/" + name;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") && !s.endsWith(":///") ? s.substring(0, s.length() - 1) : s;
    }

    public String root() {
        return root;
    }

    public Configuration hadoop() {
        return hadoop;
    }

    public String path(String relative) {
        return root + "/" + relative;
    }

    public String table(String name) {
        return path("tables/" + name);
    }

    public String checkpoints() {
        return path("checkpoints");
    }

    public String segmentation(String caseId) {
        return path("segmentations/" + caseId + ".nii.gz");
    }

    public FileSystem fs() {
        try {
            return FileSystem.get(URI.create(root), hadoop);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of run folder " + root + ": " + e.getMessage(), e);
        }
    }

    public boolean exists(String relative) {
        try {
            return fs().exists(new Path(path(relative)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A table is complete when its commit marker exists (written by Spark's committer, then renamed). */
    public boolean tableComplete(String name) {
        return exists("tables/" + name + "/_SUCCESS");
    }

    public Dataset<Row> read(SparkSession spark, String name) {
        if (!tableComplete(name)) {
            throw new IllegalStateException("table '" + name + "' is missing or incomplete in " + root
                + " (run the stage that writes it first)");
        }
        return spark.read().parquet(table(name));
    }

    /** A table of the contract, complete (see {@link #read(SparkSession, String)}). */
    public Dataset<Row> read(SparkSession spark, Table<?> table) {
        return read(spark, table.name());
    }

    /** A complete table's rows as records (driver-side: for small tables). */
    public <T> List<T> rows(SparkSession spark, Table<T> table) {
        return map(read(spark, table).collectAsList(), table);
    }

    /**
     * The rows written so far, or none when the table is not there (a report of a run that stopped early);
     * a stage-partitioned table ({@code failures}, {@code stages}) with all its parts.
     */
    public <T> List<T> rowsIfPresent(SparkSession spark, Table<T> table) {
        if (!exists("tables/" + table.name())) {
            return List.of();
        }
        return map(spark.read().parquet(table(table.name())).collectAsList(), table);
    }

    private static <T> List<T> map(List<Row> rows, Table<T> table) {
        List<T> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(table.reader().apply(r));
        }
        return out;
    }

    /** A stage-partitioned table ({@code failures}, {@code stages}): all the parts written so far. */
    public Dataset<Row> readParts(SparkSession spark, Table<?> table) {
        if (!exists("tables/" + table.name())) {
            return spark.createDataFrame(List.of(), table.schema());
        }
        return spark.read().parquet(table(table.name()));
    }

    /** Writes rows of a contract table (replacing it once complete). */
    public void writeTable(SparkSession spark, Table<?> table, List<Row> rows) {
        writeTable(spark.createDataFrame(rows, table.schema()), table.name());
    }

    /** Writes {@code data} as table {@code name}, replacing any previous version only once complete. */
    public void writeTable(Dataset<Row> data, String name) {
        writeAtomically(data, "tables/" + name);
    }

    /** Writes one stage's part of a stage-partitioned table ({@code failures}, {@code stages}). */
    public void writeStagePart(Dataset<Row> data, String table, String stage) {
        writeAtomically(data.coalesce(1), "tables/" + table + "/stage=" + stage);
    }

    private void writeAtomically(Dataset<Row> data, String relative) {
        Path finalPath = new Path(path(relative));
        // hidden (leading "_") so that Spark's partition discovery never reads it as data
        Path tmp = new Path(finalPath.getParent(), "_tmp-" + finalPath.getName() + "-" + UUID.randomUUID());
        try {
            data.write().mode(SaveMode.ErrorIfExists).parquet(tmp.toString());
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
        try {
            FileSystem fs = fs();
            if (fs.exists(finalPath) && !fs.delete(finalPath, true)) {
                throw new IOException("cannot delete the previous " + finalPath);
            }
            fs.mkdirs(finalPath.getParent());
            if (!fs.rename(tmp, finalPath)) {
                throw new IOException("cannot rename " + tmp + " to " + finalPath);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("committing table " + relative + " failed: " + e.getMessage(), e);
        }
    }

    private void deleteQuietly(Path p) {
        try {
            fs().delete(p, true);
        } catch (IOException | RuntimeException ignored) {
            // best effort: cleanTemporaries() removes it on the next run
        }
    }

    /** Removes temporary files and folders that a killed stage left behind ({@link AtomicFiles#TMP_PREFIX}). */
    public void cleanTemporaries() {
        try {
            FileSystem fs = fs();
            for (String dir : new String[] {"", "segmentations", "report", "_done", "checkpoints"}) {
                Path d = new Path(dir.isEmpty() ? root : path(dir));
                if (fs.exists(d)) {
                    for (var st : fs.listStatus(d)) {
                        if (st.getPath().getName().startsWith(AtomicFiles.TMP_PREFIX)) {
                            fs.delete(st.getPath(), true);
                        }
                    }
                }
            }
            Path tables = new Path(path("tables"));
            if (!fs.exists(tables)) {
                return;
            }
            for (var st : fs.listStatus(tables)) {
                if (st.getPath().getName().startsWith("_tmp-")) {
                    fs.delete(st.getPath(), true);
                } else if (st.isDirectory()) {
                    for (var inner : fs.listStatus(st.getPath())) {
                        if (inner.getPath().getName().startsWith("_tmp-")) {
                            fs.delete(inner.getPath(), true);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean stageDone(String stage) {
        return exists("_done/" + stage);
    }

    public void markStageDone(String stage, String json) {
        writeText("_done/" + stage, json);
    }

    public void clearStageDone(String stage) {
        try {
            fs().delete(new Path(path("_done/" + stage)), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a small text file (replacing it whole, see {@link AtomicFiles}). */
    public void writeText(String relative, String text) {
        writeBytes(relative, text.getBytes(StandardCharsets.UTF_8));
    }

    public void writeBytes(String relative, byte[] bytes) {
        Path p = new Path(path(relative));
        try {
            AtomicFiles.write(fs(), p, out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p + ": " + e.getMessage(), e);
        }
    }

    public String readText(String relative) {
        Path p = new Path(path(relative));
        try (InputStream in = fs().open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return root;
    }
}
