package renalseg.report;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import renalseg.pipeline.RunFolder;
import renalseg.tables.CaseRow;
import renalseg.tables.FailureRow;
import renalseg.tables.HistoryTable;
import renalseg.tables.LocalizationRow;
import renalseg.tables.MetricRow;
import renalseg.tables.StageRow;
import renalseg.tables.SummaryRow;
import renalseg.training.HistoryRow;

/**
 * The Spark side of the report: a run folder's tables as plain records (through {@link RunFolder} and the
 * table contract in renalseg.tables; tables the run does not have yet are empty lists), and the written
 * report copied into the run folder (any Hadoop file system).
 */
final class RunTables {

    private final SparkSession spark;
    private final RunFolder run;

    RunTables(SparkSession spark, String runUri) {
        this.spark = spark;
        this.run = new RunFolder(runUri, spark.sparkContext().hadoopConfiguration());
    }

    String root() {
        return run.root();
    }

    String segmentationUri(String caseId) {
        return run.segmentation(caseId);
    }

    Configuration hadoop() {
        return run.hadoop();
    }

    StudyData read() {
        if (!run.exists("")) {
            throw new renalseg.util.InputError("run folder " + run.root() + " does not exist");
        }
        String name = run.root().substring(run.root().lastIndexOf('/') + 1);
        List<CaseFiles> cases = new ArrayList<>();
        for (CaseRow c : run.rowsIfPresent(spark, CaseRow.TABLE)) {
            cases.add(new CaseFiles(c.caseId(), c.imageUri(), c.labelUri()));
        }
        return new StudyData(name,
            run.rowsIfPresent(spark, MetricRow.TABLE),
            run.rowsIfPresent(spark, SummaryRow.TABLE),
            sorted(run.rowsIfPresent(spark, HistoryTable.FINE), Comparator.comparingLong(HistoryRow::iteration)),
            sorted(run.rowsIfPresent(spark, FailureRow.TABLE),
                Comparator.comparing(FailureRow::stage).thenComparing(FailureRow::caseId)),
            sorted(run.rowsIfPresent(spark, StageRow.TABLE),
                Comparator.comparing(StageRow::startedAt, Comparator.nullsLast(Comparator.naturalOrder()))),
            cases,
            sorted(run.rowsIfPresent(spark, LocalizationRow.TABLE), Comparator.comparing(LocalizationRow::caseId)),
            run.exists("config.conf") ? run.readText("config.conf") : null);
    }

    private static <T> List<T> sorted(List<T> l, Comparator<T> c) {
        List<T> out = new ArrayList<>(l);
        out.sort(c);
        return out;
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
            FileSystem fs = run.fs();
            org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(run.path("report"));
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
            URI uri = URI.create(run.root());
            return "file".equals(uri.getScheme()) ? Paths.get(uri).resolve("report").resolve(StudyReport.INDEX).toUri()
                .toString() : run.path("report/" + StudyReport.INDEX);
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
