package renalseg.report;

import com.typesafe.config.Config;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import renalseg.cohort.CaseReader;
import renalseg.cohort.CohortSettings;
import renalseg.metrics.RegionMetrics;
import renalseg.training.HistoryRow;

/**
 * The study report: {@code <run>/report/index.html} with its PNG images beside it, readable offline in any
 * browser. The evaluate stage calls {@link #write(SparkSession, String, Config)} after it has
 * written the metrics and summary tables; {@code renalseg report --run DIR} does the same for an existing
 * run. {@link #write(StudyData, VolumeSource, ReportSettings, Path)} is the Spark-free core.
 */
public final class StudyReport {

    public static final String INDEX = "index.html";

    static {
        // charts and overlays draw off-screen; on a server without a display AWT must not look for one
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private StudyReport() {
    }

    /**
     * Reads the run folder's tables (metrics, summary, history, failures, stages, cases), its config.conf,
     * the CT and reference of the example cases (URIs from the cases table: columns case_id, image_uri,
     * label_uri) and their predicted segmentations ({@code <run>/segmentations/<case_id>.nii.gz}), and
     * writes {@code <run>/report/}.
     *
     * @param runUri the run folder: a local path or any Hadoop URI
     * @param config the effective configuration (report.*, and cohort.* for reading the NIfTI files)
     * @return the URI of the written index.html
     */
    public static String write(SparkSession spark, String runUri, Config config) throws IOException {
        return write(spark, runUri, config, null);
    }

    /**
     * As {@link #write(SparkSession, String, Config)}, with the case files given (case id to CT and
     * reference URIs) instead of taken from the run's cases table; null takes them from the table.
     */
    public static String write(SparkSession spark, String runUri, Config config, Map<String, CaseFiles> caseFiles)
        throws IOException {
        ReportSettings settings = ReportSettings.from(config);
        CohortSettings cohort = CohortSettings.from(config);
        long t0 = System.nanoTime();
        RunTables tables = new RunTables(spark, runUri);
        StudyData data = tables.read();
        System.err.printf(java.util.Locale.ROOT, "report: read %d metric rows, %d history rows, %d failures from %s in %.1f s%n",
            data.metrics().size(), data.history().size(), data.failures().size(), tables.root(),
            (System.nanoTime() - t0) / 1e9);
        Map<String, CaseFiles> files = new LinkedHashMap<>();
        if (caseFiles != null) {
            files.putAll(caseFiles);
        } else {
            data.cases().forEach(c -> files.put(c.caseId(), c));
        }
        VolumeSource volumes = new NiftiVolumeSource(new CaseReader(cohort, tables.hadoop()), files,
            tables::segmentationUri, cohort.affineToleranceMm());
        long t1 = System.nanoTime();
        String index = tables.publishReport(dir -> write(data, volumes, settings, dir));
        System.err.printf(java.util.Locale.ROOT, "report: wrote %s in %.1f s%n", index, (System.nanoTime() - t1) / 1e9);
        return index;
    }

    /**
     * Writes the report into {@code outDir} (created if missing): index.html, the charts and the example
     * cases' slices as PNG. A case whose volumes cannot be read is shown with the reason instead of slices.
     *
     * @return the path of index.html
     */
    public static Path write(StudyData data, VolumeSource volumes, ReportSettings settings, Path outDir)
        throws IOException {
        Files.createDirectories(outDir);
        Cohort cohort = new Cohort(data.metrics(), data.summary());

        List<ReportPage.Figure> charts = new ArrayList<>();
        Map<String, double[]> dice = new LinkedHashMap<>();
        for (String r : Cohort.REGIONS) {
            dice.put(ReportPage.regionLabel(r), cohort.values(r, RegionMetrics::dice));
        }
        Charts.save(Charts.boxes("Dice per region", "Dice", dice, 1.0), outDir.resolve("dice.png"));
        charts.add(new ReportPage.Figure("dice.png", "Box plots of Dice per region",
            "Dice per region over the evaluated cases (boxes: quartiles; whiskers: 1.5 IQR)."));
        Map<String, double[]> assd = new LinkedHashMap<>();
        for (String r : Cohort.REGIONS) {
            assd.put(ReportPage.regionLabel(r), cohort.values(r, m -> Cohort.orNaN(m.assdMm())));
        }
        Charts.save(Charts.boxes("Mean surface distance per region", "ASSD (mm)", assd, null),
            outDir.resolve("assd.png"));
        charts.add(new ReportPage.Figure("assd.png", "Box plots of the mean surface distance per region",
            "Mean symmetric surface distance (mm) per region, over the cases where both masks are non-empty."));
        Charts.Pairs kidney = cohort.volumes(Cohort.KIDNEY, "kidney", false);
        Charts.Pairs tumor = cohort.volumes(Cohort.TUMOR, "tumor", true);
        Charts.save(Charts.volumes(List.of(kidney, tumor)), outDir.resolve("volumes.png"));
        charts.add(new ReportPage.Figure("volumes.png", "Predicted against reference volume",
            "Predicted against reference volume per case (tumor: cases with a reference or predicted tumor); "
                + "dashed: identity."));
        Charts.save(Charts.blandAltman(tumor), outDir.resolve("bland_altman_tumor.png"));
        Agreement a = Agreement.of(tumor.truth(), tumor.pred());
        charts.add(new ReportPage.Figure("bland_altman_tumor.png", "Bland-Altman plot of tumor volume",
            String.format(java.util.Locale.ROOT, "Tumor volume agreement (n=%d): bias %s ml, 95%% limits of "
                + "agreement %s to %s ml.", a.n(), plain(a.bias()), plain(a.lower()), plain(a.upper()))));

        List<ReportPage.Figure> training = new ArrayList<>();
        double[] it = data.history().stream().mapToDouble(HistoryRow::iteration).toArray();
        Charts.save(Charts.curve("Training loss", "loss", it,
            data.history().stream().mapToDouble(HistoryRow::loss).toArray(), Charts.KIDNEY), outDir.resolve("loss.png"));
        training.add(new ReportPage.Figure("loss.png", "Training loss against iterations",
            "Training loss (weighted cross-entropy) against iterations."));
        Charts.save(Charts.curve("Learning rate", "learning rate", it,
            data.history().stream().mapToDouble(HistoryRow::learningRate).toArray(), Charts.TUMOR),
            outDir.resolve("learning_rate.png"));
        training.add(new ReportPage.Figure("learning_rate.png", "Learning rate against iterations",
            "Learning rate schedule against iterations."));

        List<ReportPage.Example> examples = new ArrayList<>();
        for (Map.Entry<String, Cohort.Patient> e : cohort.examples()) {
            String id = e.getValue().caseId();
            String file = "case_" + e.getKey().toLowerCase(java.util.Locale.ROOT) + "_" + safe(id) + ".png";
            try {
                CaseVolumes v = volumes.load(id);
                BufferedImage img = SliceOverlay.render(e.getKey() + " tumor Dice: " + id, v.ct(), v.truth(),
                    v.pred(), settings);
                ImageIO.write(img, "png", outDir.resolve(file).toFile());
                examples.add(new ReportPage.Example(e.getKey(), e.getValue(), file, null));
            } catch (Exception ex) {
                String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
                System.err.println("report: no slices for " + id + ": " + msg);
                examples.add(new ReportPage.Example(e.getKey(), e.getValue(), null, msg));
            }
        }

        String html = ReportPage.render(data, cohort, charts, training, examples, settings, ZonedDateTime.now());
        Path index = outDir.resolve(INDEX);
        Path tmp = outDir.resolve(INDEX + ".tmp");
        Files.writeString(tmp, html, StandardCharsets.UTF_8);
        Files.move(tmp, index, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return index;
    }

    private static String plain(double v) {
        return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.2f", v) : "n/a";
    }

    /** A case id as a file name part: letters, digits, '-' and '_' only. */
    static String safe(String id) {
        return id.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /** Writes a report into a local folder (the Spark side copies it to the run folder when remote). */
    @FunctionalInterface
    interface LocalWriter {
        Path write(Path dir) throws IOException;
    }
}
