package renalseg.pipeline.stages;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import renalseg.cohort.CaseReader;
import renalseg.cohort.CaseRef;
import renalseg.cohort.Cohort;
import renalseg.cohort.CohortSettings;
import renalseg.io.NiftiHeader;
import renalseg.pipeline.HadoopSettings;
import renalseg.pipeline.Outcome;
import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.Stage;
import renalseg.pipeline.StageProgress;
import renalseg.tables.CaseRow;
import renalseg.util.InputError;

/**
 * Stage 1: lists the cohort on the driver (names only), reads every image's and label map's header on the
 * executors, and writes {@code cases} (its split column is filled in by preprocess, which draws the split
 * among the cases that passed both stages).
 */
public final class IngestStage implements Stage {

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        CohortSettings cs = CohortSettings.from(ctx.config());
        List<CaseRef> refs = Cohort.list(cs, ctx.spark().sparkContext().hadoopConfiguration());
        if (refs.isEmpty()) {
            throw new InputError("no cases found at " + cs.uri() + " (layout " + cs.layout() + ")");
        }
        // the split is not drawn here but after preprocess, among the cases that passed (PreprocessStage)
        List<Object[]> items = new ArrayList<>();
        for (CaseRef r : refs) {
            items.add(new Object[] {r, null});
        }
        HadoopSettings hadoop = HadoopSettings.of(ctx.spark().sparkContext().getConf());
        LongAccumulator done = ctx.counter("ingest cases");
        JavaRDD<Object[]> in = ctx.jsc().parallelize(items, ctx.partitions(items.size()));
        JavaRDD<Outcome> out = in.map(item -> {
            CaseRef ref = (CaseRef) item[0];
            String splitName = (String) item[1];
            Outcome o;
            try {
                o = Outcome.ok(List.of(readCase(ref, splitName, cs, hadoop)));
            } catch (Exception e) {
                o = Outcome.failed(ref.caseId(), e);
                o.rows = new ArrayList<>(List.of(new CaseRow(ref.caseId(), ref.imageUri(), ref.labelUri(), null, null, null,
                    null, null, ref.labelled(), splitName, "failed").toRow()));
            }
            done.add(1);
            return o;
        }).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        try (StageProgress p = ctx.progress(done, "ingest", items.size())) {
            out.count();
        }
        ctx.run().writeTable(ctx.spark().createDataFrame(renalseg.pipeline.CaseJob.rows(out), CaseRow.SCHEMA),
            CaseRow.TABLE.name());
        long failed = ctx.recordFailures(name(), renalseg.pipeline.CaseJob.failures(out));
        out.unpersist();
        return new StageResult(items.size() - failed, failed);
    }

    static Row readCase(CaseRef ref, String split, CohortSettings cs, HadoopSettings hadoop) throws Exception {
        CaseReader reader = new CaseReader(cs, hadoop.configuration());
        NiftiHeader h = reader.header(ref.imageUri());
        if (ref.labelled()) {
            NiftiHeader lh = reader.header(ref.labelUri());
            if (!java.util.Arrays.equals(h.shape(), lh.shape())) {
                throw new InputError(ref.caseId() + ": label map " + ref.labelUri() + " has shape "
                    + java.util.Arrays.toString(lh.shape()) + ", the image " + java.util.Arrays.toString(h.shape()));
            }
        }
        Path p = new Path(ref.imageUri());
        FileSystem fs = p.getFileSystem(hadoop.configuration());
        long bytes = fs.getFileStatus(p).getLen();
        return new CaseRow(ref.caseId(), ref.imageUri(), ref.labelUri(), h.shape(), h.spacing(), h.axcodes(),
            h.datatype().label, bytes, ref.labelled(), split, "ok").toRow();
    }
}
