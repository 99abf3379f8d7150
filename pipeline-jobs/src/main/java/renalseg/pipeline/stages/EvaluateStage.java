package renalseg.pipeline.stages;

import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.Stage;

public final class EvaluateStage implements Stage {
    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        throw new UnsupportedOperationException("stage evaluate is not implemented yet");
    }
}
