package renalseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.cli.CommandLineTest.Run;
import renalseg.config.RenalsegConfig;
import renalseg.io.NiftiReader;
import renalseg.localization.CoarseVolume;
import renalseg.localization.Localizer;
import renalseg.localization.LocalizerSettings;
import renalseg.localization.LocalizerTrainer;
import renalseg.networks.ModelSpec;
import renalseg.synth.SyntheticCohort;
import renalseg.synth.PhantomSize;
import renalseg.training.TrainSettings;
import renalseg.training.Trainer;
import renalseg.transforms.HuWindow;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/** segment without --label takes its kidney ROIs from the localizer saved in the checkpoint folder. */
class SegmentLocalizerTest {

    @Test
    void segmentWithoutLabelUsesTheLocalizerOfTheCheckpointFolder(@TempDir Path dir) throws Exception {
        Path cohort = dir.resolve("cohort");
        SyntheticCohort.write(cohort, 1, 5, PhantomSize.SMALL);
        Path img = cohort.resolve("case_00000/imaging.nii.gz");
        Path lab = cohort.resolve("case_00000/segmentation.nii.gz");
        Path cks = dir.resolve("checkpoints");
        var cfg = RenalsegConfig.defaults();
        Trainer.start(ModelSpec.load("small"), TrainSettings.from(cfg), 0.2).save(cks.resolve("last.zip"));
        // an untrained-but-saved localizer whose low threshold marks most of the scan: one large ROI, so the
        // command runs the fine network on a localizer ROI (accuracy is LocalizerLearningTest's business)
        LocalizerSettings s = LocalizerSettings.from(RenalsegConfig.load(null, List.of(
            "localizer.preset=localizer-small", "localizer.spacing-mm=[3,3,3]", "localizer.min-component-ml=0",
            "localizer.threshold=0.01", "localizer.train.iterations-per-epoch=1")));
        HuWindow w = new HuWindow(-200, 500);
        ImageVolume image = NiftiReader.read(img).volume();
        LabelVolume labels = NiftiReader.readLabels(lab);
        CoarseVolume c = LocalizerTrainer.coarseCase("case_00000", image, labels, s, w);
        LocalizerTrainer lt = LocalizerTrainer.start(s, w, -200, List.of(c));
        lt.fitAll(null);
        lt.save(cks.resolve(Localizer.DIR));

        Path seg = dir.resolve("seg.nii.gz");
        Run r = Run.of("segment", "--checkpoint", cks.toString(), "--image", img.toString(), "--out", seg.toString(),
            "--set", "roi.in-plane=48", "--set", "infer.overlap=[0,0,0]");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"roi_source\":\"localizer\""), r.out());
        assertTrue(r.err().contains("localizer found"), r.err());
        // a checkpoint without a plan (as written before plans): used with the configuration, and said so
        assertTrue(r.err().contains("holds no segmentation plan") && r.err().contains("roi.in-plane = 48"), r.err());
        assertTrue(NiftiReader.readLabels(seg).geometry().sameGrid(labels.geometry(), 1e-4));
    }
}
