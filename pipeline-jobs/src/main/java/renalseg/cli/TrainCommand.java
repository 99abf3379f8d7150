package renalseg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import renalseg.augment.AugmentSettings;
import renalseg.cohort.CaseData;
import renalseg.cohort.CaseReader;
import renalseg.cohort.CaseRef;
import renalseg.cohort.Cohort;
import renalseg.cohort.CohortSettings;
import renalseg.cohort.CohortSplit;
import renalseg.cohort.SplitSettings;
import renalseg.inferers.CaseSegmenter;
import renalseg.metrics.PooledDice;
import renalseg.networks.ModelSpec;
import renalseg.plan.PlanResolution;
import renalseg.plan.SegmentationPlan;
import renalseg.roi.CasePreprocessor;
import renalseg.roi.KidneyRoi;
import renalseg.roi.LabelRoiSource;
import renalseg.roi.RoiSettings;
import renalseg.training.HistoryRow;
import renalseg.training.RoiSampleBatches;
import renalseg.training.TrainSettings;
import renalseg.training.Trainer;
import renalseg.transforms.MeanAccumulator;
import renalseg.transforms.PreprocessSettings;
import renalseg.util.InputError;
import renalseg.util.Progress;

/**
 * Trains the network in this JVM on a labelled cohort: cases split into training and held-out test cases
 * (split section), kidney ROIs from the labels, augmented samples drawn on the fly, checkpoints every
 * train.checkpoint-every iterations (each carrying the segmentation plan), history as JSON lines on stdout
 * and out/history.csv, and at the end the pooled Dice of the held-out ROIs, segmented by CaseSegmenter.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train the 3D FCN-PPM in one JVM on a labelled cohort (KiTS19/KiTS21 layout or manifest).",
        "Writes <out>/checkpoints/iter_NNNNNNNN.zip and last.zip, <out>/history.csv; stdout: history rows and",
        "a final JSON line with the held-out Dice (kidney = label 1, tumor = label 2)."})
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--cohort", description = "Cohort folder or manifest (any Hadoop URI); required unless --resume.")
    String cohort;

    @Option(names = "--model", description = "paper | small | FILE (default: model.preset of the configuration).")
    String model;

    @Option(names = "--out", required = true, description = "Output folder for checkpoints and history.")
    Path out;

    @CommandLine.Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--iterations", description = "Stop after this many iterations in this run (default: to the end).")
    Long iterations;

    @Option(names = "--resume", description = "Checkpoint to continue from (its model and train settings are used).")
    Path resume;

    @Override
    public Integer call() throws Exception {
        List<String> all = new ArrayList<>();
        if (cohort != null) {
            all.add("cohort.uri=\"" + cohort.replace("\"", "\\\"") + "\"");
        }
        if (model != null) {
            all.add("model.preset=\"" + model + "\"");
        }
        Config c = configOptions.load(all);
        if (c.getIsNull("cohort.uri")) {
            throw new InputError("train: give --cohort DIR (or cohort.uri in the configuration)");
        }
        Trainer trainer = resume != null ? Trainer.resume(resume) : null;
        if (trainer != null) {
            // a resumed run prepares its cases as the checkpoint's plan says
            c = PlanResolution.resolve(c, trainer.plan(), "checkpoint " + resume, System.err);
        }
        SegmentationPlan plan = SegmentationPlan.from(c);
        ModelSpec spec = trainer != null ? trainer.spec() : ModelSpec.load(c.getString("model.preset"));
        TrainSettings ts = trainer != null ? trainer.settings() : TrainSettings.from(c);
        PreprocessSettings pre = plan.preprocess();
        RoiSettings roiSettings = plan.roi();

        CohortSettings cs = CohortSettings.from(c);
        Configuration hadoop = new Configuration();
        List<CaseRef> cases = Cohort.list(cs, hadoop).stream().filter(CaseRef::labelled).toList();
        if (cases.isEmpty()) {
            throw new InputError("train: no labelled cases in " + cs.uri());
        }
        // every case read first, so that the split (the pipeline's, CohortSplit) is drawn among those that passed
        CaseReader reader = new CaseReader(cs, hadoop);
        CasePreprocessor prep = new CasePreprocessor(pre, roiSettings, new LabelRoiSource(roiSettings));
        Map<String, List<KidneyRoi>> byCase = rois(cases, reader, prep, "train: reading cases");
        CohortSplit split = CohortSplit.ofIds(new ArrayList<>(byCase.keySet()), SplitSettings.from(c));
        System.err.printf("train: %d training cases, %d held out (%d of %d cases unreadable)%n", split.train().size(),
            split.test().size(), cases.size() - byCase.size(), cases.size());
        List<KidneyRoi> trainRois = new ArrayList<>();
        split.train().forEach(id -> trainRois.addAll(byCase.get(id)));
        List<CaseRef> test = cases.stream().filter(ref -> split.test().contains(ref.caseId())).toList();
        if (trainRois.isEmpty()) {
            throw new InputError("train: no kidney ROIs in the training cases");
        }
        double mean;
        if (trainer != null) {
            mean = trainer.normalizationMean();
        } else {
            MeanAccumulator acc = MeanAccumulator.EMPTY;
            for (KidneyRoi r : trainRois) {
                acc = acc.add(r.voxels());
            }
            mean = acc.mean();
            trainer = Trainer.start(spec, ts, mean, plan);
        }
        float pad = pre.window().scale(roiSettings.padHu());
        // crop size = the model's input (from the checkpoint when resuming)
        AugmentSettings aug = AugmentSettings.from(c).withCrop(spec.input());
        RoiSampleBatches batches = new RoiSampleBatches(trainRois, aug, mean, pad, ts.batchSize(), spec.classes(),
            ts.nd4jDataType(), trainer.position().samplesSeen());

        Files.createDirectories(out.resolve("checkpoints"));
        ObjectMapper json = new ObjectMapper();
        long budget = iterations != null ? iterations : Long.MAX_VALUE;
        long chunk = ts.checkpointEvery() > 0 ? ts.checkpointEvery() : Long.MAX_VALUE;
        long t0 = System.nanoTime();
        while (budget > 0 && trainer.position().iteration() < ts.totalIterations()) {
            long step = Math.min(budget, chunk - trainer.position().iteration() % chunk);
            trainer.fit(batches, step, row -> {
                try {
                    System.out.println(json.writeValueAsString(row));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            budget -= step;
            Path ck = out.resolve("checkpoints").resolve(String.format("iter_%08d.zip", trainer.position().iteration()));
            trainer.save(ck);
            Files.copy(ck, out.resolve("checkpoints").resolve("last.zip"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            writeHistory(trainer.history(), out.resolve("history.csv"));
            System.err.println("train: checkpoint " + ck);
        }
        double trainS = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("iterations", trainer.position().iteration());
        summary.put("samples_seen", trainer.position().samplesSeen());
        summary.put("train_seconds", Math.round(trainS * 10) / 10.0);
        summary.put("final_loss", trainer.lastLoss());
        summary.put("normalization_mean", mean);
        summary.put("checkpoint", out.resolve("checkpoints").resolve("last.zip").toString());
        if (!test.isEmpty()) {
            heldOut(test, reader, new CaseSegmenter(trainer.network(), spec.input(), spec.classes(), mean, plan),
                summary);
        }
        System.out.println(json.writeValueAsString(summary));
        return 0;
    }

    /**
     * The held-out cases segmented by {@link CaseSegmenter} as {@code segment --label} would: pooled ROI Dice
     * of the network alone and after the plan's post-processing (CRF when enabled, largest component).
     */
    private static void heldOut(List<CaseRef> test, CaseReader reader, CaseSegmenter segmenter,
                                Map<String, Object> summary) {
        long t1 = System.nanoTime();
        List<byte[]> truth = new ArrayList<>();
        List<byte[]> raw = new ArrayList<>();
        List<byte[]> post = new ArrayList<>();
        LabelRoiSource labels = new LabelRoiSource(segmenter.plan().roi());
        Progress p = new Progress("train: segmenting held-out cases", test.size());
        for (CaseRef ref : test) {
            try {
                CaseData d = reader.read(ref);
                CaseSegmenter.Segmentation s = segmenter.segment(ref.caseId(), d.image(), d.labels(), labels, false);
                s.prepared().rois().forEach(r -> truth.add(r.labels()));
                raw.addAll(s.networkLabels());
                post.addAll(s.roiLabels());
            } catch (InputError e) {
                System.err.println("train: skipping held-out " + ref.caseId() + ": " + e.getMessage());
            }
            p.step(1);
        }
        PooledDice d = PooledDice.of(truth, raw);
        PooledDice l = PooledDice.of(truth, post);
        summary.put("heldout_cases", test.stream().map(CaseRef::caseId).toList());
        summary.put("heldout_rois", d.rois());
        summary.put("heldout_dice_kidney", d.kidney());
        summary.put("heldout_dice_tumor", d.tumor());
        summary.put("heldout_dice_kidney_and_tumor", d.kidneyAndTumor());
        // what the pipeline delivers: the plan's CRF (when enabled) and the largest component per ROI
        summary.put("heldout_postprocessing", segmenter.plan().crf().enabled() ? "crf + largest component"
            : "largest component");
        summary.put("heldout_postprocessed_dice_kidney", l.kidney());
        summary.put("heldout_postprocessed_dice_tumor", l.tumor());
        summary.put("heldout_postprocessed_dice_kidney_and_tumor", l.kidneyAndTumor());
        summary.put("heldout_true_tumor_voxels", tumorVoxels(truth));
        summary.put("eval_seconds", Math.round((System.nanoTime() - t1) / 1e8) / 10.0);
    }

    private static long tumorVoxels(List<byte[]> labels) {
        long n = 0;
        for (byte[] l : labels) {
            for (byte b : l) {
                n += b == 2 ? 1 : 0;
            }
        }
        return n;
    }

    /** The ROIs of each case that reads and has a kidney, in case order. */
    private static Map<String, List<KidneyRoi>> rois(List<CaseRef> cases, CaseReader reader, CasePreprocessor prep,
                                                     String label) {
        Map<String, List<KidneyRoi>> out = new java.util.TreeMap<>();
        Progress p = new Progress(label, cases.size());
        for (CaseRef ref : cases) {
            try {
                List<KidneyRoi> r = prep.prepare(reader.read(ref)).rois();
                if (r.isEmpty()) {
                    System.err.println("train: skipping " + ref.caseId() + ": no kidney in the label map");
                } else {
                    out.put(ref.caseId(), r);
                }
            } catch (InputError e) {
                // a bad case is reported and skipped: it must not stop training on the others
                System.err.println("train: skipping " + ref.caseId() + ": " + e.getMessage());
            }
            p.step(1);
        }
        return out;
    }

    static void writeHistory(List<HistoryRow> rows, Path file) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("round,iteration,loss,learning_rate,samples_per_s,time_s");
            for (HistoryRow r : rows) {
                w.printf(java.util.Locale.ROOT, "%d,%d,%.6g,%.6g,%.4g,%.3f%n", r.round(), r.iteration(), r.loss(),
                    r.learningRate(), r.samplesPerS(), r.timeS());
            }
        }
    }
}
