package renalseg.pipeline;

/**
 * One pipeline stage: reads the previous stages' tables from the run folder and writes its own. A case
 * that fails goes to {@link PipelineContext#recordFailures}; an exception out of {@link #run} means the
 * stage could not run at all.
 */
public interface Stage {

    String name();

    StageResult run(PipelineContext ctx) throws Exception;

    /** Cases (or ROIs) that went through, and cases that failed. */
    record StageResult(long casesOk, long casesFailed) {
    }
}
