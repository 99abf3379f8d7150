package renalseg.pipeline.stages;

import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.Stage;

public final class IngestStage implements Stage {
    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        throw new UnsupportedOperationException("stage ingest is not implemented yet");
    }
}
