package renalseg.pipeline.stages;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import renalseg.augment.AugmentSettings;
import renalseg.augment.RoiIndex;
import renalseg.augment.SampleManifest;
import renalseg.pipeline.ConfigText;
import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.Pretrained;
import renalseg.pipeline.Stage;
import renalseg.roi.RoiCodec;
import renalseg.tables.RoiRow;
import renalseg.tables.SampleRow;
import renalseg.util.InputError;

/**
 * Stage 3: the sample manifest ({@code samples}: augment.samples records of ROI id, crop origin, flips and
 * seed) over the training ROIs. Each training ROI is indexed where it lies (candidate crop centres), the
 * small indexes are broadcast, and executors draw disjoint ranges of sample numbers: sample n depends only
 * on (seed, n, the sorted ROIs), so the manifest is the same however it is partitioned. Tensors are made
 * from it only while training.
 */
public final class AugmentStage implements Stage {

    @Override
    public String name() {
        return "augment";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        if (Pretrained.configured(ctx.config())) {
            // nothing to train on: the networks come from model.pretrained
            ctx.run().writeTable(ctx.spark(), SampleRow.TABLE, List.of());
            return new StageResult(0, 0);
        }
        AugmentSettings as = AugmentSettings.from(ctx.config());
        int maxCandidates = as.maxCandidates();
        JavaRDD<Row> train = ctx.run().read(ctx.spark(), RoiRow.ROIS).where(col("split").equalTo("train")).javaRDD();
        List<RoiIndex> index = SampleManifest.sorted(train.map(r -> RoiIndex.of(RoiCodec.decode(RoiRow.from(r).roi()),
            maxCandidates)).collect());
        if (index.isEmpty()) {
            throw new InputError("no training ROIs to draw samples from");
        }
        Broadcast<List<RoiIndex>> rois = ctx.jsc().broadcast(new ArrayList<>(index));
        ConfigText conf = new ConfigText(ctx.config());
        int parts = Math.max(1, Math.min(ctx.partitions(as.samples()), (as.samples() + 9999) / 10000 * 4));
        List<long[]> ranges = new ArrayList<>();
        long per = (as.samples() + parts - 1L) / parts;
        for (long s = 0; s < as.samples(); s += per) {
            ranges.add(new long[] {s, Math.min(as.samples(), s + per)});
        }
        JavaRDD<Row> samples = ctx.jsc().parallelize(ranges, Math.max(1, ranges.size())).flatMap(range -> {
            AugmentSettings s = AugmentSettings.from(conf.get());
            List<Row> out = new ArrayList<>();
            for (long n = range[0]; n < range[1]; n++) {
                out.add(new SampleRow(n, SampleManifest.draw(rois.value(), s, n)).toRow());
            }
            return out.iterator();
        });
        ctx.run().writeTable(ctx.spark().createDataFrame(samples, SampleRow.SCHEMA), SampleRow.TABLE.name());
        rois.destroy();
        System.err.println("renalseg: augment: " + as.samples() + " samples over " + index.size() + " training ROIs");
        return new StageResult(index.size(), 0);
    }
}
