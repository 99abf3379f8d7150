package renalseg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.config.RenalsegConfig;
import renalseg.io.NiftiReader;
import renalseg.localization.Localizer;
import renalseg.synth.PhantomSize;
import renalseg.synth.SyntheticCohort;
import renalseg.volume.LabelVolume;
import renalseg.tables.FailureRow;
import renalseg.tables.LocalizationRow;

/**
 * The localizer through the pipeline: run A trains the fine network and the localizer on a labelled
 * cohort (the localizer by parameter averaging, like the fine network) and segments its test cases from
 * localizer ROIs ({@code roi.source = localizer}), measuring ROI recall; run B segments a cohort without a
 * single label map with A's networks ({@code model.pretrained}); {@code segment} does the same for one
 * scan from A's checkpoint folder.
 *
 * <p>Localizer settings as LocalizerLearningTest's (SMALL phantoms: 3 mm grid, 6 mm margin, 600
 * iterations of 4 crops), trained on the 6 training cases by one worker averaging every 10 minibatches
 * (a run this short is not reliably sharp: kidney counts and ROI tightness are LocalizerLearningTest's).
 */
class UnlabelledCohortPipelineTest {

    @TempDir
    Path tmp;

    static List<String> settings() {
        List<String> s = PipelineTestSupport.tinySettings();
        s.addAll(PipelineTestSupport.localizerSettings());
        s.addAll(List.of("roi.in-plane=40", "roi.slice-margin=2", "spark.training.workers=1",
            "spark.training.batch-size-per-worker=4", "spark.training.averaging-frequency=10"));
        return s;
    }

    @Test
    void trainsTheLocalizerAndSegmentsACohortWithoutLabels() throws Exception {
        Path cohortA = PipelineTestSupport.cohort(tmp.resolve("labelled"), 8, -1);
        List<String> a = settings();
        a.add("cohort.uri=\"" + cohortA.toUri() + "\"");
        a.add("roi.source=localizer");
        Config cfgA = RenalsegConfig.load(null, a);

        // new patients: other phantoms, images only
        Path cohortB = tmp.resolve("unlabelled");
        SyntheticCohort.write(cohortB, 3, 99, PhantomSize.SMALL);
        List<Path> truths = new ArrayList<>();
        try (Stream<Path> cases = Files.list(cohortB)) {
            for (Path c : cases.sorted().toList()) {
                Path seg = c.resolve(SyntheticCohort.LABELS);
                Path kept = tmp.resolve("truth-" + c.getFileName() + ".nii.gz");
                Files.move(seg, kept);
                truths.add(kept);
            }
        }
        List<String> b = settings();
        b.add("cohort.uri=\"" + cohortB.toUri() + "\"");
        Path runA = tmp.resolve("runA");
        Path runB = tmp.resolve("runB");
        b.add("model.pretrained=\"" + runA.resolve("checkpoints") + "\"");
        Config cfgB = RenalsegConfig.load(null, b);

        SparkSession spark = Sparks.session(new SparkSettings("local[2]", "UnlabelledCohortPipelineTest",
            Map.of("spark.ui.enabled", "false")));
        try {
            RunFolder run = new RunFolder(runA.toString(), spark.sparkContext().hadoopConfiguration());
            Pipeline.Summary s = new Pipeline(new PipelineContext(spark, cfgA, run, false))
                .run(Pipeline.select(List.of()), Set.of());
            assertEquals(0, s.casesFailed());
            assertTrue(Files.isRegularFile(runA.resolve("checkpoints").resolve(Localizer.DIR).resolve(Localizer.NETWORK)));
            assertEquals(2400 / 40, run.read(spark, "localizer_history").count(),
                "600 iterations x 4 crops / (1 worker x 10 x 4) = 60 rounds");
            assertEquals(6, run.read(spark, "coarse").count(), "one coarse scan per training case");
            // the test cases were cut from localizer ROIs; their recall is measured against the label maps
            List<LocalizationRow> loc = run.rows(spark, LocalizationRow.TABLE);
            assertEquals(2, loc.size());
            for (LocalizationRow r : loc) {
                System.out.println(r);
                assertEquals("test", r.split());
                // kidneys found and ROI tightness are LocalizerLearningTest's business: a run this short is
                // not reliably sharp (here one case's kidneys came out as one component)
                assertTrue(r.rois() >= 1, r.toString());
                assertTrue(r.recall() >= 0.995, "ROI recall " + r);
            }
            assertEquals(Set.of("localizer"), Set.copyOf(run.read(spark, "inference_rois").select("roi_source")
                .distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList()));
            assertEquals(2, run.read(spark, "metrics").select("case_id").distinct().count());

            RunFolder rb = new RunFolder(runB.toString(), spark.sparkContext().hadoopConfiguration());
            Pipeline.Summary sb = new Pipeline(new PipelineContext(spark, cfgB, rb, false))
                .run(Pipeline.select(List.of()), Set.of());
            assertEquals(0, sb.casesFailed(), rb.readParts(spark, FailureRow.TABLE).collectAsList()
                .toString());
            assertEquals(0, rb.read(spark, "history").count(), "nothing trained: the networks came from run A");
            assertEquals(3, rb.read(spark, "localizations").count());
            for (LocalizationRow r : rb.rows(spark, LocalizationRow.TABLE)) {
                assertNull(r.split(), "unlabelled cases belong to no split");
                assertNull(r.recall(), "no label map, no recall");
            }
            assertEquals(0, rb.read(spark, "metrics").count(), "nothing to evaluate against");
            for (int i = 0; i < 3; i++) {
                String id = String.format("case_%05d", i);
                Path seg = runB.resolve("segmentations").resolve(id + ".nii.gz");
                assertTrue(Files.isRegularFile(seg), seg.toString());
                LabelVolume truth = NiftiReader.readLabels(truths.get(i));
                LabelVolume pred = NiftiReader.readLabels(seg);
                assertTrue(pred.geometry().sameGrid(truth.geometry(), 1e-4));
                assertTrue(foreground(pred) > 0, id + ": nothing segmented");
            }
        } finally {
            spark.stop();
        }

        // segment: one unlabelled scan with the pipeline's checkpoint folder (model.zip + localizer/)
        Path out = tmp.resolve("one.nii.gz");
        java.io.StringWriter stdout = new java.io.StringWriter();
        picocli.CommandLine cl = renalseg.cli.Main.commandLine();
        cl.setOut(new java.io.PrintWriter(stdout, true));
        java.io.PrintStream oldOut = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            code = cl.execute("segment", "--checkpoint", runA.resolve("checkpoints").toString(), "--image",
                cohortB.resolve("case_00001").resolve(SyntheticCohort.IMAGE).toString(), "--out", out.toString(),
                "--set", "roi.in-plane=40", "--set", "roi.slice-margin=2");
        } finally {
            System.setOut(oldOut);
        }
        String json = printed.toString(java.nio.charset.StandardCharsets.UTF_8) + stdout;
        assertEquals(0, code, json);
        assertTrue(json.contains("\"roi_source\":\"localizer\""), json);
        assertTrue(foreground(NiftiReader.readLabels(out)) > 0);
    }

    private static long foreground(LabelVolume v) {
        long n = 0;
        for (byte b : v.labels()) {
            n += b != 0 ? 1 : 0;
        }
        return n;
    }
}
