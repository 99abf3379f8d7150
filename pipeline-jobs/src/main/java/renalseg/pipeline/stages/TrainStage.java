package renalseg.pipeline.stages;

import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.Stage;

public final class TrainStage implements Stage {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public StageResult run(PipelineContext ctx) {
        throw new UnsupportedOperationException("stage train is not implemented yet");
    }
}
