package renalseg.pipeline.stages;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import renalseg.augment.AugmentSettings;
import renalseg.augment.SampleMaterializer;
import renalseg.augment.SampleRecord;
import renalseg.augment.SampleTensor;
import renalseg.config.ConfigError;
import renalseg.networks.ModelSpec;
import renalseg.pipeline.Checkpoints;
import renalseg.pipeline.ConfigText;
import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.RoiStore;
import renalseg.pipeline.Stage;
import renalseg.roi.RoiSettings;
import renalseg.training.Batches;
import renalseg.training.Checkpoint;
import renalseg.training.HistoryRow;
import renalseg.training.TrainSettings;
import renalseg.training.Trainer;
import renalseg.training.TrainingPosition;
import renalseg.transforms.PreprocessSettings;
import renalseg.util.InputError;
import renalseg.util.Progress;

/**
 * Stage 4: DL4J's SparkComputationGraph with a ParameterAveragingTrainingMaster. One averaging round at a
 * time: the driver deals the next workers x averaging-frequency x batch-size-per-worker samples of the
 * manifest (cycling through it) into whole worker minibatches (one RDD element each: DataSet.merge cannot
 * join 5-D samples), executors materialize them from the broadcast training ROIs, the master fits and
 * averages. Rounds give the history rows, progress, checkpoints and the resume point. The total number of
 * samples is train.epochs x train.iterations-per-epoch x train.batch-size.
 */
public final class TrainStage implements Stage {

    public static final StructType HISTORY = new StructType()
        .add("round", DataTypes.IntegerType, false)
        .add("iteration", DataTypes.LongType, false)
        .add("loss", DataTypes.DoubleType, false)
        .add("learning_rate", DataTypes.DoubleType, false)
        .add("samples_per_s", DataTypes.DoubleType, false)
        .add("time_s", DataTypes.DoubleType, false);

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
        ModelSpec spec = ModelSpec.load(cfg.getString("model.preset"));
        TrainSettings ts = TrainSettings.from(cfg);
        DistributedSettings ds = DistributedSettings.from(cfg, ctx.spark().sparkContext().defaultParallelism());
        double mean = ctx.run().read(ctx.spark(), "normalization").first().getDouble(0);

        List<SampleRecord> manifest = new ArrayList<>();
        for (Row r : ctx.run().read(ctx.spark(), "samples").orderBy("sample").collectAsList()) {
            manifest.add(new SampleRecord(r.getString(1), r.getInt(2), r.getInt(3), r.getInt(4), r.getBoolean(5),
                r.getBoolean(6), r.getBoolean(7), r.getLong(8)));
        }
        if (manifest.isEmpty()) {
            throw new InputError("the samples table is empty (augment.samples = 0?)");
        }
        HashMap<String, byte[]> rois = new HashMap<>();
        for (Row r : ctx.run().read(ctx.spark(), "rois").where(col("split").equalTo("train")).select("roi_id", "roi")
            .collectAsList()) {
            rois.put(r.getString(0), (byte[]) r.get(1));
        }
        Broadcast<HashMap<String, byte[]>> roiBroadcast = ctx.jsc().broadcast(rois);

        Checkpoints checkpoints = new Checkpoints(ctx.run());
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

        ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(ds.workers(), ds.batchSizePerWorker())
            .batchSizePerWorker(ds.batchSizePerWorker())
            .averagingFrequency(ds.averagingFrequency())
            .workerPrefetchNumBatches(ds.prefetch())
            .storageLevel(ds.storageLevel())
            .rddTrainingApproach(ds.approach())
            .collectTrainingStats(ds.collectStats())
            .rngSeed(ts.seed())
            .build();
        SparkComputationGraph net = new SparkComputationGraph(ctx.jsc(), trainer.network(), tm);

        long total = ts.totalIterations() * ts.batchSize();
        long perRound = ds.samplesPerRound();
        int rounds = (int) ((total + perRound - 1) / perRound);
        int firstRound = (int) (samplesSeen / perRound);
        ConfigText conf = new ConfigText(cfg);
        int classes = spec.classes();
        Progress progress = new Progress("train rounds", rounds - firstRound, System.err,
            cfg.getLong("run.progress-interval-s") * 1_000_000_000L);
        double timeBefore = history.isEmpty() ? 0 : history.get(history.size() - 1).timeS();
        long t0 = System.nanoTime();
        System.err.printf(Locale.ROOT, "renalseg: train: %d rounds of %d workers x %d minibatches of %d (model %s, %d samples in the manifest)%n",
            rounds, ds.workers(), ds.averagingFrequency(), ds.batchSizePerWorker(), spec.name(), manifest.size());
        for (int round = firstRound; round < rounds; round++) {
            long tr = System.nanoTime();
            List<List<SampleRecord>> batches = new ArrayList<>();
            long base = (long) round * perRound;
            for (int b = 0; b < ds.workers() * ds.averagingFrequency(); b++) {
                List<SampleRecord> batch = new ArrayList<>();
                for (int k = 0; k < ds.batchSizePerWorker(); k++) {
                    batch.add(manifest.get((int) ((base + (long) b * ds.batchSizePerWorker() + k) % manifest.size())));
                }
                batches.add(batch);
            }
            // DL4J's updater schedule counts iterations: give the workers the global position
            long iteration = base / ts.batchSize();
            net.getNetwork().getConfiguration().setIterationCount((int) Math.min(Integer.MAX_VALUE, iteration));
            net.getNetwork().getConfiguration().setEpochCount((int) (iteration / ts.iterationsPerEpoch()));
            JavaRDD<DataSet> data = ctx.jsc().parallelize(batches, ds.workers())
                .map(batch -> materialize(batch, roiBroadcast, conf, mean, classes));
            net.fit(data);
            double loss = net.getScore();
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("training diverged: loss " + loss + " in round " + round);
            }
            samplesSeen = base + perRound;
            long itNow = samplesSeen / ts.batchSize();
            double secs = (System.nanoTime() - tr) / 1e9;
            history.add(new HistoryRow(round, itNow, loss, ts.learningRateAt(iteration), perRound / Math.max(1e-9, secs),
                timeBefore + (System.nanoTime() - t0) / 1e9));
            progress.step(1);
            boolean last = round == rounds - 1;
            if ((round + 1) % ds.checkpointEveryRounds() == 0 || last) {
                TrainingPosition pos = new TrainingPosition(itNow, (int) (itNow / ts.iterationsPerEpoch()), samplesSeen);
                checkpoints.write(new Checkpoint(net.getNetwork(), spec, ts, mean, pos, history),
                    Checkpoints.roundName(round + 1));
                checkpoints.keepLatest(ds.keepCheckpoints());
            }
        }
        HistoryRow lastRow = history.isEmpty() ? null : history.get(history.size() - 1);
        if (lastRow != null) {
            System.err.printf(Locale.ROOT, "renalseg: train: final loss %.4f after %d rounds%n", lastRow.loss(), rounds);
        }
        TrainingPosition end = new TrainingPosition(samplesSeen / ts.batchSize(),
            (int) (samplesSeen / ts.batchSize() / ts.iterationsPerEpoch()), samplesSeen);
        checkpoints.write(new Checkpoint(net.getNetwork(), spec, ts, mean, end, history), Checkpoints.FINAL);
        List<Row> rows = new ArrayList<>();
        for (HistoryRow h : history) {
            rows.add(RowFactory.create(h.round(), h.iteration(), h.loss(), h.learningRate(), h.samplesPerS(), h.timeS()));
        }
        ctx.run().writeTable(ctx.spark().createDataFrame(rows, HISTORY).coalesce(1), "history");
        roiBroadcast.destroy();
        return new StageResult(rois.size(), 0);
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
