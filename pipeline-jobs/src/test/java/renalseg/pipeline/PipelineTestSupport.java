package renalseg.pipeline;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import renalseg.synth.PhantomSize;
import renalseg.synth.SyntheticCohort;

/** A tiny synthetic cohort and the tiny configuration the pipeline tests share. */
public final class PipelineTestSupport {

    private PipelineTestSupport() {
    }

    /** SMALL phantoms 0..n-1; case {@code broken}'s image truncated to a third (its header stays valid). */
    public static Path cohort(Path dir, int n, int broken) throws IOException {
        SyntheticCohort.write(dir, n, 11, PhantomSize.SMALL);
        if (broken >= 0) {
            Path img = dir.resolve(String.format("case_%05d", broken)).resolve(SyntheticCohort.IMAGE);
            try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
                f.setLength(f.length() / 3);
            }
        }
        return dir;
    }

    /** A few training rounds of the small model and the localizer: enough to run every stage, not to segment well. */
    public static List<String> tinySettings() {
        List<String> s = new ArrayList<>(List.of(
            "model.preset=small",
            "roi.in-plane=48",
            "split.test-cases=2",
            "augment.samples=48",
            "train.epochs=1",
            "train.iterations-per-epoch=24",
            "train.batch-size=2",
            "train.learning-rate=0.01",
            "train.lr-decay-epochs=[]",
            "spark.training.batch-size-per-worker=2",
            "spark.training.averaging-frequency=2",
            "spark.training.checkpoint-every-rounds=2",
            "run.progress-interval-s=5"));
        s.addAll(tinyLocalizerSettings());
        return s;
    }

    /**
     * The localizer for SMALL phantoms as LocalizerLearningTest trains it (3 mm grid, 6 mm margin, 600
     * iterations of 4 crops): what finds their kidneys.
     */
    static List<String> localizerSettings() {
        return new ArrayList<>(List.of(
            "localizer.preset=localizer-small",
            "localizer.spacing-mm=[3,3,3]",
            "localizer.margin-mm=6",
            "localizer.min-component-ml=0.3",
            "localizer.train.p-foreground=0.5",
            "localizer.train.iterations-per-epoch=600",
            "localizer.train.batch-size=4",
            "localizer.train.learning-rate=2e-2"));
    }

    /** A localizer trained just enough to run the mechanism (it finds nothing reliable). */
    public static List<String> tinyLocalizerSettings() {
        return new ArrayList<>(List.of(
            "localizer.preset=localizer-small",
            "localizer.spacing-mm=[3,3,3]",
            "localizer.train.iterations-per-epoch=4",
            "localizer.train.batch-size=2"));
    }

    static boolean exists(Path p) {
        return Files.exists(p);
    }

    /** Whether a run folder holds a round checkpoint of the fine network yet (checkpoints/round-N.zip). */
    static boolean hasRoundCheckpoint(Path run) throws IOException {
        Path dir = run.resolve("checkpoints");
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(f -> f.getFileName().toString().matches("round-\\d+\\.zip"));
        }
    }
}
