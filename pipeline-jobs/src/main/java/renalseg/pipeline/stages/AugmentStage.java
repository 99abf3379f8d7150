package renalseg.pipeline.stages;

import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.Stage;

public final class AugmentStage implements Stage {
    @Override
    public String name() {
        return "augment";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        throw new UnsupportedOperationException("stage augment is not implemented yet");
    }
}
