package renalseg.pipeline.stages;

import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.Stage;

public final class InferStage implements Stage {
    @Override
    public String name() {
        return "infer";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        throw new UnsupportedOperationException("stage infer is not implemented yet");
    }
}
