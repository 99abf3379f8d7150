package renalseg.pipeline.stages;

import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.Stage;

public final class PreprocessStage implements Stage {
    @Override
    public String name() {
        return "preprocess";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        throw new UnsupportedOperationException("stage preprocess is not implemented yet");
    }
}
