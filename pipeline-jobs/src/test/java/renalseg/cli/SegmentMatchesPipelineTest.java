package renalseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.cli.CommandLineTest.Run;
import renalseg.config.RenalsegConfig;
import renalseg.io.NiftiReader;
import renalseg.pipeline.Pipeline;
import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.PipelineTestSupport;
import renalseg.pipeline.RunFolder;
import renalseg.pipeline.SparkSettings;
import renalseg.tables.FailureRow;
import renalseg.pipeline.Sparks;
import renalseg.synth.SyntheticCohort;
import renalseg.volume.LabelVolume;

/**
 * {@code segment} and the pipeline give the same label map: a tiny network trained through the pipeline on
 * local Spark, then the pipeline's segmentations of its two test cases (ROIs from labels and from the
 * localizer, CRF on and off) against {@code segment} run on the same scans through the command line with
 * the run's checkpoint folder and nothing but the setting that differs. The settings the network was
 * trained with (roi.in-plane = 48, not the default 150) reach {@code segment} through the checkpoint's plan.
 * A training-time key that differs from the plan is refused by {@code segment} and by the pipeline with
 * these networks ({@code --pretrained}); an inference-time one is honoured. The localizer is trained for 4 iterations with threshold 1e-6: every coarse voxel is kidney, one ROI per
 * case; identity, not quality, is tested.
 */
class SegmentMatchesPipelineTest {

    @TempDir
    Path tmp;

    @Test
    void segmentGivesThePipelinesLabelMapAndHonoursThePlan() throws Exception {
        Path cohort = PipelineTestSupport.cohort(tmp.resolve("cohort"), 6, -1);
        Path runDir = tmp.resolve("run");
        Path checkpoints = runDir.resolve("checkpoints");
        List<String> base = PipelineTestSupport.tinySettings();
        base.addAll(List.of("cohort.uri=\"" + cohort.toUri() + "\"", "localizer.threshold=1e-6",
            "localizer.min-component-ml=0"));
        SparkSession spark = Sparks.session(new SparkSettings("local[2]", "SegmentMatchesPipelineTest",
            Map.of("spark.ui.enabled", "false")));
        List<String> testCases;
        Map<String, byte[]> crfOffByLabels = new java.util.HashMap<>();
        Map<String, byte[]> crfOnByLabels = new java.util.HashMap<>();
        long foreground = 0;
        try {
            RunFolder run = new RunFolder(runDir.toString(), spark.sparkContext().hadoopConfiguration());
            pipeline(spark, run, base, List.of("ingest", "preprocess", "augment", "train", "localize", "infer",
                "postprocess"));
            testCases = run.read(spark, "cases").where("split = 'test'").select("case_id").orderBy("case_id")
                .as(Encoders.STRING()).collectAsList();
            assertEquals(2, testCases.size());
            String[][] combos = {{"labels", "true"}, {"labels", "false"}, {"localizer", "false"}, {"localizer", "true"}};
            for (String[] combo : combos) {
                boolean labels = combo[0].equals("labels");
                String crf = "postprocess.crf.enabled=" + combo[1];
                if (combo != combos[0]) {
                    List<String> s = new ArrayList<>(base);
                    s.addAll(List.of("roi.source=" + combo[0], crf));
                    pipeline(spark, run, s, List.of("localize", "infer", "postprocess"));
                }
                assertTrue(Files.readString(runDir.resolve("plan.json")).contains("\"enabled\":" + combo[1]),
                    "the run folder shows the effective plan");
                for (String id : testCases) {
                    Path piped = runDir.resolve("segmentations").resolve(id + ".nii.gz");
                    Path mine = tmp.resolve(id + "-" + combo[0] + "-crf-" + combo[1] + ".nii.gz");
                    List<String> args = new ArrayList<>(List.of("segment", "--checkpoint", checkpoints.toString(),
                        "--image", cohort.resolve(id).resolve(SyntheticCohort.IMAGE).toString(), "--out",
                        mine.toString()));
                    if (labels) {
                        args.addAll(List.of("--label", cohort.resolve(id).resolve(SyntheticCohort.LABELS).toString()));
                    }
                    if (combo[1].equals("false")) {
                        args.addAll(List.of("--set", crf));
                    }
                    Run r = Run.of(args.toArray(String[]::new));
                    assertEquals(0, r.code(), r.err());
                    assertTrue(r.out().contains("\"roi_source\":\"" + combo[0] + "\""), r.out());
                    assertTrue(r.out().contains("\"in-plane\":48"), "the plan's ROI size: " + r.out());
                    LabelVolume p = NiftiReader.readLabels(piped);
                    LabelVolume m = NiftiReader.readLabels(mine);
                    String what = id + " with ROIs from " + combo[0] + ", CRF " + combo[1];
                    assertTrue(Arrays.deepEquals(p.geometry().affine(), m.geometry().affine()), what + ": affine");
                    assertArrayEquals(p.geometry().shape(), m.geometry().shape(), what + ": shape");
                    assertArrayEquals(p.labels(), m.labels(), what + ": voxels");
                    foreground += count(m.labels());
                    if (labels) {
                        (combo[1].equals("false") ? crfOffByLabels : crfOnByLabels).put(id, m.labels());
                    }
                }
            }
        } finally {
            spark.stop();
        }
        System.out.println("SegmentMatchesPipelineTest: " + foreground + " foreground voxels compared");
        assertTrue(foreground > 0, "the compared label maps are not all background");
        // and the CRF did something, so that matching with it on shows segment runs it
        assertTrue(testCases.stream().anyMatch(c -> !Arrays.equals(crfOnByLabels.get(c), crfOffByLabels.get(c))),
            "the CRF changed no voxel");

        String id = testCases.get(0);
        String image = cohort.resolve(id).resolve(SyntheticCohort.IMAGE).toString();
        String label = cohort.resolve(id).resolve(SyntheticCohort.LABELS).toString();
        // a training-time key that differs from the plan: refused, one line with the key and both values
        Run refused = Run.of("segment", "--checkpoint", checkpoints.toString(), "--image", image, "--label", label,
            "--out", tmp.resolve("refused.nii.gz").toString(), "--set", "preprocess.hu-min=-100");
        assertEquals(2, refused.code(), refused.err());
        List<String> lines = refused.err().lines().filter(l -> l.contains("preprocess.hu-min")).toList();
        assertEquals(1, lines.size(), refused.err());
        assertTrue(lines.get(0).contains("preprocess.hu-min = -100 differs from -200"), lines.get(0));
        assertFalse(Files.exists(tmp.resolve("refused.nii.gz")));
        // the same rule in the pipeline: a new cohort with these networks (model.pretrained) and another window
        Run piped = Run.of("pipeline", "--cohort", cohort.toString(), "--run", tmp.resolve("run2").toString(),
            "--pretrained", checkpoints.toString(), "--set", "preprocess.hu-min=-100", "--conf",
            "spark.ui.enabled=false");
        assertEquals(2, piped.code(), piped.err());
        lines = piped.err().lines().filter(l -> l.contains("preprocess.hu-min")).toList();
        assertEquals(1, lines.size(), piped.err());
        assertTrue(lines.get(0).contains("preprocess.hu-min = -100 differs from -200"), lines.get(0));
        // an inference-time key: honoured, reported, and the result changes
        Path mirrored = tmp.resolve("mirrored.nii.gz");
        Run mr = Run.of("segment", "--checkpoint", checkpoints.toString(), "--image", image, "--label", label,
            "--out", mirrored.toString(), "--set", "postprocess.crf.enabled=false", "--set", "infer.mirroring=true");
        assertEquals(0, mr.code(), mr.err());
        assertTrue(mr.out().contains("\"mirroring\":true"), mr.out());
        assertFalse(Arrays.equals(crfOffByLabels.get(id), NiftiReader.readLabels(mirrored).labels()),
            "test-time mirroring changed no voxel");
    }

    private static void pipeline(SparkSession spark, RunFolder run, List<String> settings, List<String> stages)
        throws Exception {
        Config cfg = RenalsegConfig.load(null, settings);
        Pipeline.Summary s;
        try {
            s = new Pipeline(new PipelineContext(spark, cfg, run, false)).run(stages, Set.copyOf(stages));
        } catch (Pipeline.StageError e) {
            throw new AssertionError(e.getMessage() + "; failures: " + failures(spark, run), e);
        }
        assertEquals(0, s.casesFailed(), "stages " + stages + ": " + failures(spark, run));
    }

    private static String failures(SparkSession spark, RunFolder run) {
        return run.readParts(spark, FailureRow.TABLE).collectAsList().toString();
    }

    private static long count(byte[] labels) {
        long n = 0;
        for (byte b : labels) {
            n += b != 0 ? 1 : 0;
        }
        return n;
    }
}
