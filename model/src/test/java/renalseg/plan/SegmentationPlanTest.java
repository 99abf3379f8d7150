package renalseg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.config.RenalsegConfig;
import renalseg.networks.ModelSpec;
import renalseg.postprocessing.components.Connectivity;
import renalseg.postprocessing.voting.VotingMode;
import renalseg.training.Checkpoint;
import renalseg.training.TrainSettings;
import renalseg.training.Trainer;
import renalseg.util.InputError;

/** The plan saved with a network, and the rule by which a configuration meets it. */
class SegmentationPlanTest {

    /** A network trained with a narrower window, 40-voxel ROIs, mirroring and 6-connectivity. */
    private static final List<String> TRAINED = List.of("preprocess.hu-min=-100", "preprocess.hu-max=300",
        "roi.in-plane=40", "roi.unit=voxels", "infer.mirroring=true", "postprocess.connectivity=6",
        "postprocess.crf.iterations=3");

    private static SegmentationPlan trained() {
        return SegmentationPlan.from(RenalsegConfig.load(null, TRAINED));
    }

    private static Config user(String... sets) {
        return RenalsegConfig.load(null, List.of(sets));
    }

    private static Config resolve(Config c, SegmentationPlan p) {
        return PlanResolution.resolve(c, p, "test.zip", new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void jsonRoundTripKeepsEveryKeyAndNamesTheFormat() {
        SegmentationPlan p = trained();
        String json = p.toJson();
        assertTrue(json.contains("\"format\":1"), json);
        assertTrue(json.contains("\"hu-min\":-100"), json);
        SegmentationPlan back = SegmentationPlan.fromJson(json);
        assertEquals(p.describe(), back.describe());
        assertEquals(-100, back.preprocess().huMin());
        assertEquals(40, back.roi().inPlane());
        assertTrue(back.infer().mirroring());
        assertEquals(VotingMode.MAJORITY, back.infer().voting());
        assertEquals(Connectivity.SIX, back.components().connectivity());
        assertEquals(3, back.crf().iterations());
        // every key of the plan is a configuration key, listed once
        Config defaults = RenalsegConfig.defaults();
        for (String k : SegmentationPlan.keys()) {
            assertTrue(defaults.hasPath(k), k);
        }
        assertEquals(SegmentationPlan.keys().size(), p.toConfig().entrySet().size());
        assertThrows(IllegalArgumentException.class, () -> SegmentationPlan.fromJson(json.replace("\"format\":1",
            "\"format\":7")));
    }

    @Test
    void trainingTimeKeysComeFromThePlanAndAConflictingOverrideIsRefused() {
        SegmentationPlan p = trained();
        // not set by the user: the plan's values, whatever the defaults say
        Config eff = resolve(user(), p);
        assertEquals(-100, eff.getDouble("preprocess.hu-min"));
        assertEquals(300, eff.getDouble("preprocess.hu-max"));
        assertEquals(40, eff.getDouble("roi.in-plane"));
        // the same value set explicitly is fine (-100 vs -100.0 alike)
        assertEquals(-100, resolve(user("preprocess.hu-min=-100.0"), p).getDouble("preprocess.hu-min"));
        // another value, even the default's, is refused in one line naming the key and both values
        InputError e = assertThrows(InputError.class, () -> resolve(user("preprocess.hu-min=-200"), p));
        assertTrue(e.getMessage().startsWith("preprocess.hu-min = -200 differs from -100 "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        InputError u = assertThrows(InputError.class, () -> resolve(user("roi.unit=mm"), p));
        assertTrue(u.getMessage().contains("roi.unit = mm differs from voxels") || u.getMessage().contains(
            "roi.unit = \"mm\" differs from \"voxels\""), u.getMessage());
        // the resampling spacing counts only when resampling is on
        assertEquals(-100, resolve(user("preprocess.resample.spacing-mm=[1,1,1]"), p).getDouble("preprocess.hu-min"));
        assertThrows(InputError.class, () -> resolve(user("preprocess.resample.enabled=true"), p));
        // spacing-mm = auto is the training cases' median, which a resampling plan holds as numbers
        SegmentationPlan r = SegmentationPlan.from(user("preprocess.resample.enabled=true",
            "preprocess.resample.spacing-mm=[0.85,0.85,2.5]"));
        Config auto = resolve(user("preprocess.resample.enabled=true", "preprocess.resample.spacing-mm=auto"), r);
        assertEquals(List.of(0.85, 0.85, 2.5), auto.getDoubleList("preprocess.resample.spacing-mm"));
        assertThrows(InputError.class, () -> resolve(user("preprocess.resample.enabled=true",
            "preprocess.resample.spacing-mm=[1,1,1]"), r));
    }

    @Test
    void inferenceTimeKeysTakeThePlanAsDefaultAndAnExplicitSettingWins() {
        SegmentationPlan p = trained();
        Config eff = resolve(user(), p);
        assertTrue(eff.getBoolean("infer.mirroring"), "the plan's default");
        assertEquals(6, eff.getInt("postprocess.connectivity"));
        assertEquals(3, eff.getInt("postprocess.crf.iterations"));
        // explicit settings win, also one equal to defaults.conf's value (false)
        Config over = resolve(user("infer.mirroring=false", "postprocess.crf.enabled=false"), p);
        assertFalse(over.getBoolean("infer.mirroring"));
        assertFalse(over.getBoolean("postprocess.crf.enabled"));
        assertEquals(6, over.getInt("postprocess.connectivity"));
        assertFalse(SegmentationPlan.from(over).infer().mirroring());
    }

    @Test
    void aCheckpointWithoutPlanIsUsedWithTheConfigurationAfterOneWarningLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Config c = user("preprocess.hu-min=-150");
        Config eff = PlanResolution.resolve(c, null, "checkpoint old.zip", new PrintStream(err, true,
            StandardCharsets.UTF_8));
        assertEquals(-150, eff.getDouble("preprocess.hu-min"));
        String w = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, w.lines().count(), w);
        assertTrue(w.contains("checkpoint old.zip holds no segmentation plan"), w);
        assertTrue(w.contains("preprocess.hu-min = -150"), w);
    }

    @Test
    void theCheckpointCarriesThePlan(@TempDir Path dir) throws Exception {
        Config c = RenalsegConfig.load(null, TRAINED);
        SegmentationPlan p = SegmentationPlan.from(c);
        Trainer t = Trainer.start(ModelSpec.load("small"), TrainSettings.from(c), 0.3, p);
        Path with = dir.resolve("with.zip");
        t.save(with);
        assertEquals(p.describe(), Checkpoint.readPlan(with).describe());
        assertEquals(p.describe(), Checkpoint.read(with).plan().describe());
        assertEquals(p.describe(), Trainer.resume(with).plan().describe(), "a resumed run keeps saving it");
        Path without = dir.resolve("without.zip");
        Trainer.start(ModelSpec.load("small"), TrainSettings.from(c), 0.3).save(without);
        assertNull(Checkpoint.readPlan(without));
    }
}
