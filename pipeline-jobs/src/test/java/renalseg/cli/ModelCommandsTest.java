package renalseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.cli.CommandLineTest.Run;
import renalseg.io.NiftiReader;
import renalseg.synth.PhantomSize;
import renalseg.synth.SyntheticCohort;
import renalseg.training.Checkpoint;
import renalseg.volume.LabelVolume;

class ModelCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void modelInfoCountsThePaperNetwork() throws Exception {
        Run r = Run.of("model-info", "--model", "paper");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(1_798_131, j.get("params").asLong());
        assertEquals(13, j.get("residual_blocks").asInt());
        assertEquals(39, j.get("residual_convs").asInt());
        assertEquals("[1,64,128,128]", j.get("input_shape").toString());
        assertEquals("[3,64,128,128]", j.get("output_shape").toString());
        assertTrue(j.get("layers").size() > 56, "layer table");
        Run bad = Run.of("model-info", "--model", "nosuch");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown model preset"), bad.err());
    }

    @Test
    void benchModelPrintsForwardAndTrainLines() throws Exception {
        Run r = Run.of("bench", "model", "--model", "small", "--batch", "1", "--repeats", "1", "--warmup", "0");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        for (String l : lines) {
            JsonNode j = JSON.readTree(l);
            assertTrue(j.get("median_s").asDouble() > 0);
            assertTrue(j.get("peak_rss_mb").asDouble() > 50, "VmHWM read");
            assertEquals(16 * 32 * 32 / j.get("median_s").asDouble(), j.get("voxels_per_s").asDouble(),
                0.01 * j.get("voxels_per_s").asDouble() + 1);
        }
    }

    /** train -> checkpoint -> segment with and without a label map, on a 3-case small synthetic cohort. */
    @Test
    void trainThenSegment(@TempDir Path dir) throws Exception {
        Path cohort = dir.resolve("cohort");
        SyntheticCohort.write(cohort, 3, 5, PhantomSize.SMALL);
        Path out = dir.resolve("run");
        Run t = Run.of("train", "--cohort", cohort.toString(), "--model", "small", "--out", out.toString(),
            "--set", "train.iterations-per-epoch=2", "--set", "train.epochs=1", "--set", "train.batch-size=1",
            "--set", "train.log-every=1", "--set", "split.test-cases=1", "--set", "roi.in-plane=48",
            "--set", "infer.overlap=[0,0,0]");
        assertEquals(0, t.code(), t.err());
        List<String> lines = t.out().lines().toList();
        assertEquals(3, lines.size(), t.out()); // 2 history rows + summary
        JsonNode summary = JSON.readTree(lines.get(2));
        assertEquals(2, summary.get("iterations").asInt());
        assertTrue(summary.has("heldout_dice_kidney"));
        Path ck = out.resolve("checkpoints/last.zip");
        assertEquals(2, Checkpoint.read(ck).position().iteration());
        assertTrue(Files.readString(out.resolve("history.csv")).startsWith("round,iteration,loss,learning_rate"));

        Path img = cohort.resolve("case_00000/imaging.nii.gz");
        Path lab = cohort.resolve("case_00000/segmentation.nii.gz");
        Path seg = dir.resolve("seg.nii.gz");
        Run s = Run.of("segment", "--checkpoint", ck.toString(), "--image", img.toString(), "--label", lab.toString(),
            "--out", seg.toString(), "--set", "roi.in-plane=48", "--set", "infer.overlap=[0,0,0]");
        assertEquals(0, s.code(), s.err());
        LabelVolume truth = NiftiReader.readLabels(lab);
        LabelVolume pred = NiftiReader.readLabels(seg);
        assertArrayEquals(new int[] {truth.geometry().nx(), truth.geometry().ny(), truth.geometry().nz()},
            new int[] {pred.geometry().nx(), pred.geometry().ny(), pred.geometry().nz()});
        assertTrue(truth.geometry().sameShape(pred.geometry()));
        assertEquals(4, s.out().lines().count(), s.out()); // summary + 3 regions
        Path whole = dir.resolve("whole.nii.gz");
        Run w = Run.of("segment", "--checkpoint", ck.toString(), "--image", img.toString(), "--out", whole.toString(),
            "--set", "infer.overlap=[0,0,0]");
        assertEquals(0, w.code(), w.err());
        assertTrue(w.out().contains("\"roi_source\":\"whole-volume\""), w.out());
        assertTrue(NiftiReader.readLabels(whole).geometry().sameShape(truth.geometry()));
        Run missing = Run.of("segment", "--checkpoint", dir.resolve("none.zip").toString(), "--image", img.toString(),
            "--out", whole.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("checkpoint not found"), missing.err());
    }
}
