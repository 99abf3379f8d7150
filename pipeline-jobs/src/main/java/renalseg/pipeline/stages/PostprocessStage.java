package renalseg.pipeline.stages;

import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.Stage;

public final class PostprocessStage implements Stage {
    @Override
    public String name() {
        return "postprocess";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        throw new UnsupportedOperationException("stage postprocess is not implemented yet");
    }
}
