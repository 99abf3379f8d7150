package renalseg.pipeline.stages;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.nd4j.linalg.dataset.DataSet;
import renalseg.augment.AugmentSettings;
import renalseg.augment.SampleMaterializer;
import renalseg.augment.SampleRecord;
import renalseg.augment.SampleTensor;
import renalseg.config.ConfigError;
import renalseg.localization.CoarseBatches;
import renalseg.localization.CoarseVolume;
import renalseg.localization.LocalizerSettings;
import renalseg.localization.LocalizerTrainer;
import renalseg.networks.ModelSpec;
import renalseg.pipeline.Checkpoints;
import renalseg.plan.SegmentationPlan;
import renalseg.pipeline.CoarseStore;
import renalseg.pipeline.ConfigText;
import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.ResampleSpacing;
import renalseg.pipeline.Pretrained;
import renalseg.pipeline.RoiStore;
import renalseg.pipeline.Stage;
import renalseg.roi.RoiSettings;
import renalseg.tables.CoarseRow;
import renalseg.tables.Cols;
import renalseg.tables.HistoryTable;
import renalseg.tables.NormalizationRow;
import renalseg.tables.RoiRow;
import renalseg.tables.SampleRow;
import renalseg.tables.Table;
import renalseg.training.Batches;
import renalseg.training.Checkpoint;
import renalseg.training.HistoryRow;
import renalseg.training.TrainSettings;
import renalseg.training.Trainer;
import renalseg.training.TrainingPosition;
import renalseg.transforms.HuWindow;
import renalseg.transforms.PreprocessSettings;
import renalseg.util.InputError;

/**
 * Stage 4: the fine network, then (localizer.enabled) the coarse localizer, each with DL4J's
 * SparkComputationGraph and a ParameterAveragingTrainingMaster ({@link ParameterAveraging}). Fine network:
 * sample n is the manifest's sample n (cycling), materialized on executors from the broadcast training
 * ROIs; rounds give the history rows, progress, checkpoints and the resume point. Localizer: crops of the
 * broadcast coarse training scans. The total number of samples of each is its epochs x
 * iterations-per-epoch x batch-size. With {@code model.pretrained}, both are copied in instead.
 */
public final class TrainStage implements Stage {

    /** spark.training.*: how the cluster trains. */
    record DistributedSettings(int workers, int batchSizePerWorker, int averagingFrequency, int prefetch,
                               StorageLevel storageLevel, RDDTrainingApproach approach, boolean collectStats,
                               int checkpointEveryRounds, int keepCheckpoints) {

        static DistributedSettings from(Config c, int defaultParallelism) {
            Config t = c.getConfig("spark.training");
            int w = t.getInt("workers") > 0 ? t.getInt("workers") : defaultParallelism;
            String approach = t.getString("approach").toLowerCase(Locale.ROOT);
            if (!approach.equals("direct") && !approach.equals("export")) {
                throw new ConfigError("spark.training.approach must be direct or export, not " + approach);
            }
            StorageLevel level;
            try {
                level = StorageLevel.fromString(t.getString("storage-level"));
            } catch (IllegalArgumentException e) {
                throw new ConfigError("spark.training.storage-level: unknown Spark storage level "
                    + t.getString("storage-level"));
            }
            DistributedSettings s = new DistributedSettings(w, t.getInt("batch-size-per-worker"),
                t.getInt("averaging-frequency"), t.getInt("prefetch"), level,
                approach.equals("direct") ? RDDTrainingApproach.Direct : RDDTrainingApproach.Export,
                t.getBoolean("collect-stats"), t.getInt("checkpoint-every-rounds"), t.getInt("keep-checkpoints"));
            if (s.batchSizePerWorker < 1 || s.averagingFrequency < 1 || s.checkpointEveryRounds < 1 || s.keepCheckpoints < 1) {
                throw new ConfigError("spark.training: batch-size-per-worker, averaging-frequency, "
                    + "checkpoint-every-rounds and keep-checkpoints must be >= 1");
            }
            return s;
        }

        long samplesPerRound() {
            return (long) workers * averagingFrequency * batchSizePerWorker;
        }
    }

    @Override
    public String name() {
        return "train";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        Config cfg = ctx.config();
        Checkpoints checkpoints = new Checkpoints(ctx.run());
        if (Pretrained.configured(cfg)) {
            return copyPretrained(ctx, checkpoints);
        }
        StageResult fine = trainFine(ctx, cfg, checkpoints);
        if (cfg.getBoolean("localizer.enabled")) {
            trainLocalizer(ctx, cfg, checkpoints);
        }
        return fine;
    }

    private StageResult trainFine(PipelineContext ctx, Config cfg, Checkpoints checkpoints) {
        ModelSpec spec = ModelSpec.load(cfg.getString("model.preset"));
        TrainSettings ts = TrainSettings.from(cfg);
        DistributedSettings ds = DistributedSettings.from(cfg, ctx.spark().sparkContext().defaultParallelism());
        double mean = ctx.run().rows(ctx.spark(), NormalizationRow.TABLE).get(0).mean();
        // what the preprocess stage cut the ROIs with, and the inference defaults: saved with the network
        SegmentationPlan plan = SegmentationPlan.from(ResampleSpacing.resolve(ctx));

        ArrayList<SampleRecord> manifest = new ArrayList<>();
        for (Row r : ctx.run().read(ctx.spark(), SampleRow.TABLE).orderBy("sample").collectAsList()) {
            manifest.add(SampleRow.from(r).record());
        }
        if (manifest.isEmpty()) {
            throw new InputError("the samples table is empty (augment.samples = 0?)");
        }
        HashMap<String, byte[]> rois = new HashMap<>();
        for (Row r : ctx.run().read(ctx.spark(), RoiRow.ROIS).where(col("split").equalTo("train")).select("roi_id", "roi")
            .collectAsList()) {
            rois.put(Cols.str(r, "roi_id"), Cols.bytes(r, "roi"));
        }
        Broadcast<HashMap<String, byte[]>> roiBroadcast = ctx.jsc().broadcast(rois);
        Broadcast<ArrayList<SampleRecord>> manifestBroadcast = ctx.jsc().broadcast(manifest);

        Trainer trainer;
        List<HistoryRow> history = new ArrayList<>();
        long samplesSeen = 0;
        List<String> saved = checkpoints.rounds();
        if (ctx.resume() && !saved.isEmpty()) {
            Checkpoint c = checkpoints.read(saved.get(saved.size() - 1));
            trainer = Trainer.resume(c);
            history.addAll(c.history());
            samplesSeen = c.position().samplesSeen();
            System.err.println("renalseg: train: resuming from " + saved.get(saved.size() - 1) + " (" + samplesSeen
                + " samples done)");
        } else {
            checkpoints.deleteAll();
            trainer = Trainer.start(spec, ts, mean);
        }
        System.err.printf(Locale.ROOT, "renalseg: train: model %s, %d samples in the manifest%n", spec.name(),
            manifest.size());
        ConfigText conf = new ConfigText(cfg);
        int classes = spec.classes();
        ParameterAveraging pa = new ParameterAveraging(ctx.jsc(), ds, ts, "fine network",
            cfg.getLong("run.progress-interval-s") * 1_000_000_000L);
        ComputationGraph trained = pa.fit(trainer.network(), samplesSeen, history, samples -> {
            List<SampleRecord> m = manifestBroadcast.value();
            List<SampleRecord> batch = new ArrayList<>(samples.length);
            for (long n : samples) {
                batch.add(m.get((int) (n % m.size())));
            }
            return materialize(batch, roiBroadcast, conf, mean, classes);
        }, (round, seen, net, last) -> {
            if ((round + 1) % ds.checkpointEveryRounds() == 0 || last) {
                checkpoints.write(new Checkpoint(net, spec, ts, mean, position(ts, seen), history, plan),
                    Checkpoints.roundName(round + 1));
                checkpoints.keepLatest(ds.keepCheckpoints());
            }
        });
        checkpoints.write(new Checkpoint(trained, spec, ts, mean, position(ts, pa.samplesSeen()), history, plan),
            Checkpoints.FINAL);
        writeHistory(ctx, HistoryTable.FINE, history);
        roiBroadcast.destroy();
        manifestBroadcast.destroy();
        return new StageResult(rois.size(), 0);
    }

    /**
     * The localizer, on the coarse scans of the labelled training cases (preprocess's {@code coarse} table),
     * through the same parameter averaging; saved to {@code checkpoints/localizer/}.
     */
    private void trainLocalizer(PipelineContext ctx, Config cfg, Checkpoints checkpoints) {
        if (ctx.resume() && checkpoints.hasLocalizer()) {
            System.err.println("renalseg: train: the localizer is already trained in this run, kept");
            return;
        }
        ArrayList<byte[]> packed = new ArrayList<>();
        for (Row r : ctx.run().read(ctx.spark(), CoarseRow.TABLE).orderBy("case_id").collectAsList()) {
            packed.add(CoarseRow.from(r).coarse());
        }
        if (packed.isEmpty()) {
            throw new InputError("no coarse training scans for the localizer (localizer.enabled = true)");
        }
        Broadcast<ArrayList<byte[]>> scans = ctx.jsc().broadcast(packed);
        // decoded through the executors' cache: in local mode the driver's JVM is the executor, one copy serves
        List<CoarseVolume> volumes = CoarseStore.get(scans);
        LocalizerSettings ls = LocalizerSettings.from(cfg);
        HuWindow window = PreprocessSettings.from(cfg).window();
        double padHu = RoiSettings.from(cfg).padHu();
        LocalizerTrainer lt = LocalizerTrainer.start(ls, window, padHu, volumes);
        TrainSettings ts = ls.train();
        DistributedSettings ds = DistributedSettings.from(cfg, ctx.spark().sparkContext().defaultParallelism());
        int[] crop = lt.trainer().spec().input();
        double mean = lt.trainer().normalizationMean();
        float padScaled = window.scale(padHu);
        double pForeground = ls.pForeground();
        org.nd4j.linalg.api.buffer.DataType dataType = ts.nd4jDataType();
        long seed = ts.seed();
        System.err.printf(Locale.ROOT, "renalseg: train: localizer %s on %d coarse scans%n", ls.preset(), volumes.size());
        List<HistoryRow> history = new ArrayList<>();
        ParameterAveraging pa = new ParameterAveraging(ctx.jsc(), ds, ts, "localizer",
            cfg.getLong("run.progress-interval-s") * 1_000_000_000L);
        ComputationGraph trained = pa.fit(lt.trainer().network(), 0, history, samples -> {
            // sample n depends on (seed, n) alone: one sampler per executor serves every batch
            CoarseBatches b = CoarseStore.sampler(scans, v -> new CoarseBatches(v, crop, mean, padScaled, pForeground,
                samples.length, dataType, seed, 0));
            List<SampleTensor> batch = new ArrayList<>(samples.length);
            for (long n : samples) {
                batch.add(b.sample(n));
            }
            return Batches.toDataSet(batch, 2, dataType);
        }, (round, seen, net, last) -> { });
        checkpoints.writeLocalizer(lt, trained, position(ts, pa.samplesSeen()), history);
        writeHistory(ctx, HistoryTable.LOCALIZER, history);
        CoarseStore.release(scans);
        scans.destroy();
    }

    /** {@code model.pretrained}: its networks copied into this run's checkpoints, nothing trained. */
    private StageResult copyPretrained(PipelineContext ctx, Checkpoints checkpoints) {
        String from = Pretrained.uri(ctx.config());
        checkpoints.copyFrom(from);
        System.err.println("renalseg: train: model.pretrained: using the networks of " + from
            + (checkpoints.hasLocalizer() ? " (fine network and localizer)" : " (fine network; no localizer)"));
        writeHistory(ctx, HistoryTable.FINE, List.of());
        return new StageResult(0, 0);
    }

    private static TrainingPosition position(TrainSettings ts, long samplesSeen) {
        long it = samplesSeen / ts.batchSize();
        return new TrainingPosition(it, (int) (it / ts.iterationsPerEpoch()), samplesSeen);
    }

    private static void writeHistory(PipelineContext ctx, Table<HistoryRow> table, List<HistoryRow> history) {
        List<Row> rows = new ArrayList<>();
        for (HistoryRow h : history) {
            rows.add(HistoryTable.toRow(h));
        }
        ctx.run().writeTable(ctx.spark().createDataFrame(rows, table.schema()).coalesce(1), table.name());
    }

    static DataSet materialize(List<SampleRecord> batch, Broadcast<HashMap<String, byte[]>> rois, ConfigText conf,
                               double mean, int classes) {
        Config c = conf.get();
        AugmentSettings as = AugmentSettings.from(c);
        float pad = PreprocessSettings.from(c).window().scale(RoiSettings.from(c).padHu());
        SampleMaterializer m = new SampleMaterializer(as, mean, pad);
        List<SampleTensor> tensors = new ArrayList<>(batch.size());
        for (SampleRecord r : batch) {
            tensors.add(m.materialize(r, RoiStore.get(rois, r.roiId())));
        }
        return Batches.toDataSet(tensors, classes, TrainSettings.from(c).nd4jDataType());
    }
}
