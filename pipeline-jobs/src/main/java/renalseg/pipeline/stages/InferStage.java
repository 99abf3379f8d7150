package renalseg.pipeline.stages;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import renalseg.inferers.CaseSegmenter;
import renalseg.pipeline.Checkpoints;
import renalseg.pipeline.ModelPool;
import renalseg.pipeline.Outcome;
import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.Stage;
import renalseg.pipeline.StageProgress;
import renalseg.plan.SegmentationPlan;
import renalseg.pipeline.TaskSlot;
import renalseg.postprocessing.voting.OverlapVoter;
import renalseg.roi.RoiCodec;
import renalseg.tables.PredictionRow;
import renalseg.tables.RoiRow;
import renalseg.training.Checkpoint;

/**
 * Stage 6: sliding-window inference over the ROIs to segment (the localize stage's {@code inference_rois}), distributed over ROIs. The trained network's
 * configuration JSON and parameters are broadcast once; each executor JVM builds the network once per
 * task slot ({@link ModelPool}) and keeps it for every later partition. {@code predictions} holds each
 * ROI's voted labels, its class probabilities only when the CRF needs them, and where it ran: the
 * executor's JVM and Spark id and the GPU address Spark gave the task (null without GPUs). The windows, voting and
 * normalization are {@link CaseSegmenter#infer}'s, with the plan saved in the checkpoint
 * ({@link PipelineContext#planned()}).
 */
public final class InferStage implements Stage {

    @Override
    public String name() {
        return "infer";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        Checkpoint model = new Checkpoints(ctx.run()).read(Checkpoints.FINAL);
        String modelId = ctx.run().root() + "#" + Checkpoints.FINAL + "#" + model.position().samplesSeen()
            + "#" + System.nanoTime();
        Broadcast<String> confJson = ctx.jsc().broadcast(model.network().getConfiguration().toJson());
        Broadcast<INDArray> params = ctx.jsc().broadcast(model.network().params());
        int[] window = model.spec().input();
        int classes = model.spec().classes();
        double mean = model.normalizationMean();
        SegmentationPlan plan = SegmentationPlan.from(ctx.planned());
        boolean keepProbabilities = plan.crf().enabled();

        Dataset<Row> test = ctx.run().read(ctx.spark(), RoiRow.INFERENCE_ROIS);
        long n = test.count();
        LongAccumulator done = ctx.counter("infer rois");
        JavaRDD<Row> in = test.javaRDD().repartition(ctx.partitions(n));
        JavaRDD<Outcome> out = in.mapPartitions((Iterator<Row> it) -> {
            List<Outcome> res = new ArrayList<>();
            if (!it.hasNext()) {
                return res.iterator();
            }
            // this task's GPU (Spark's address) and CPUs, before the network's arrays are made
            TaskSlot.Binding slot = TaskSlot.bind();
            // a network's arrays live on the device it was built on: one pool per GPU
            String poolId = slot.gpu() == null ? modelId : modelId + "@gpu" + slot.gpu();
            ComputationGraph net = ModelPool.borrow(poolId, confJson.value(), params::value);
            try {
                CaseSegmenter segmenter = new CaseSegmenter(net, window, classes, mean, plan);
                while (it.hasNext()) {
                    RoiRow r = RoiRow.from(it.next());
                    String caseId = r.caseId();
                    try {
                        OverlapVoter voter = segmenter.infer(RoiCodec.decode(r.roi()));
                        byte[] probs = keepProbabilities ? RoiCodec.encodeFloats(voter.probabilities()) : null;
                        res.add(Outcome.ok(List.of(new PredictionRow(r.roiId(), caseId,
                            RoiCodec.encodeBytes(voter.labels()), probs, slot.jvm(), slot.executorId(), slot.gpu())
                            .toRow())));
                    } catch (Exception | OutOfMemoryError e) {
                        res.add(Outcome.failed(caseId, e));
                    }
                    done.add(1);
                }
            } finally {
                ModelPool.giveBack(poolId, net);
            }
            return res.iterator();
        }).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER());
        try (StageProgress p = ctx.progress(done, "infer ROIs", n)) {
            out.count();
        }
        ctx.run().writeTable(ctx.spark().createDataFrame(renalseg.pipeline.CaseJob.rows(out), PredictionRow.SCHEMA),
            PredictionRow.TABLE.name());
        long failed = ctx.recordFailures(name(), renalseg.pipeline.CaseJob.failures(out));
        out.unpersist();
        confJson.destroy();
        params.destroy();
        return new StageResult(n - failed, failed);
    }
}
