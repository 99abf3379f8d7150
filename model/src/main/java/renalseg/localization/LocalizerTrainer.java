package renalseg.localization;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import renalseg.cohort.CaseData;
import org.deeplearning4j.nn.graph.ComputationGraph;
import renalseg.networks.ModelSpec;
import renalseg.training.Checkpoint;
import renalseg.training.HistoryRow;
import renalseg.training.Trainer;
import renalseg.training.TrainingPosition;
import renalseg.transforms.HuWindow;
import renalseg.transforms.MeanAccumulator;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;
import renalseg.volume.Reorientation;

/**
 * Trains the localizer with the fine network's machinery ({@link Trainer}: same builder, loss, optimizer,
 * schedule, checkpoints), on crops of coarse labelled scans ({@link CoarseBatches}). Its normalization
 * mean is the mean windowed intensity of the coarse training scans (whole scans, not ROIs: that is what
 * it sees). Saved as a folder ({@code <checkpoints>/localizer/}) that {@link Localizer#load} reads.
 *
 * <p>For the pipeline: make one {@link CoarseVolume} per labelled training case ({@link #coarseCase}; on
 * executors, they are small and Serializable), collect them, then {@link #start}, {@link #fit},
 * {@link #save}.
 */
public final class LocalizerTrainer {

    private final Trainer trainer;
    private final LocalizerSettings settings;
    private final LocalizerMeta meta;
    private final List<CoarseVolume> training;

    private LocalizerTrainer(Trainer trainer, LocalizerSettings settings, LocalizerMeta meta,
                             List<CoarseVolume> training) {
        this.trainer = trainer;
        this.settings = settings;
        this.meta = meta;
        this.training = List.copyOf(training);
    }

    /** A labelled case (as read, any orientation) on the localizer's coarse grid, with binary labels. */
    public static CoarseVolume coarseCase(CaseData d, LocalizerSettings s, HuWindow window) {
        return coarseCase(d.ref().caseId(), d.image(), d.labels(), s, window);
    }

    public static CoarseVolume coarseCase(String caseId, ImageVolume image, LabelVolume labels, LocalizerSettings s,
                                          HuWindow window) {
        Reorientation r = Reorientation.of(image.geometry());
        return CoarseVolume.of(caseId, r.toCanonical(image), labels == null ? null : r.toCanonical(labels),
            s.spacingMm(), window);
    }

    /** Mean windowed intensity over every voxel of the coarse scans. */
    public static double mean(List<CoarseVolume> volumes) {
        MeanAccumulator m = MeanAccumulator.EMPTY;
        for (CoarseVolume v : volumes) {
            m = m.add(v.scaled());
        }
        return m.mean();
    }

    /**
     * A fresh localizer network ({@code settings.preset()}, 2 classes) ready to train on {@code training}.
     *
     * @param window the fine network's HU window (preprocess.hu-min / hu-max)
     * @param padHu  value beyond the scan (roi.pad-hu)
     */
    public static LocalizerTrainer start(LocalizerSettings settings, HuWindow window, double padHu,
                                         List<CoarseVolume> training) {
        ModelSpec spec = ModelSpec.load(settings.preset());
        if (spec.classes() != 2) {
            throw new renalseg.config.ConfigError("localizer.preset " + settings.preset() + " has " + spec.classes()
                + " classes; the localizer needs 2 (background, kidney-or-tumor)");
        }
        LocalizerMeta meta = new LocalizerMeta(LocalizerMeta.FORMAT, settings.spacingMm(), window.min(), window.max(),
            padHu, settings.marginMm(), settings.minComponentMl(), settings.maxWindow(), settings.threshold());
        Trainer t = Trainer.start(spec, settings.train(), mean(training));
        return new LocalizerTrainer(t, settings, meta, training);
    }

    /** Continues from a saved localizer folder (same training scans, same sample stream). */
    public static LocalizerTrainer resume(Path dir, LocalizerSettings settings, List<CoarseVolume> training)
        throws IOException {
        Trainer t = Trainer.resume(Checkpoint.read(dir.resolve(Localizer.NETWORK)));
        return new LocalizerTrainer(t, settings, LocalizerMeta.read(dir.resolve(Localizer.META)), training);
    }

    /** Runs up to {@code steps} iterations (fewer when the configured total is reached). */
    public List<HistoryRow> fit(long steps, Consumer<HistoryRow> onRow) {
        CoarseBatches batches = new CoarseBatches(training, trainer.spec().input(), trainer.normalizationMean(),
            new HuWindow(meta.huMin(), meta.huMax()).scale(meta.padHu()), settings.pForeground(),
            settings.train().batchSize(), settings.train().nd4jDataType(), settings.train().seed(),
            trainer.position().samplesSeen());
        return trainer.fit(batches, steps, onRow);
    }

    /** Runs the configured number of iterations (what is left of them). */
    public List<HistoryRow> fitAll(Consumer<HistoryRow> onRow) {
        return fit(settings.train().totalIterations() - trainer.position().iteration(), onRow);
    }

    /** Writes {@code dir/localizer.zip} and {@code dir/localizer.json}. */
    public void save(Path dir) throws IOException {
        trainer.save(dir.resolve(Localizer.NETWORK));
        meta.write(dir.resolve(Localizer.META));
    }

    /**
     * Writes the folder as {@link #save} does, for a network trained elsewhere from this trainer's start
     * (the pipeline's parameter averaging): {@code network}, its position and history.
     */
    public void save(Path dir, ComputationGraph network, TrainingPosition position, List<HistoryRow> history)
        throws IOException {
        new Checkpoint(network, trainer.spec(), trainer.settings(), trainer.normalizationMean(), position, history)
            .write(dir.resolve(Localizer.NETWORK));
        meta.write(dir.resolve(Localizer.META));
    }

    public Localizer localizer() {
        return new Localizer(trainer.network(), trainer.spec(), trainer.normalizationMean(), meta);
    }

    public Trainer trainer() {
        return trainer;
    }
}
