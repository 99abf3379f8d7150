package renalseg.pipeline;

import java.util.List;

/** The pipeline tests' tiny settings, for tests in other packages. */
public final class PipelineTestAccess {

    private PipelineTestAccess() {
    }

    public static List<String> tinySettings() {
        return PipelineTestSupport.tinySettings();
    }
}
