package renalseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The pipeline command's user errors: one line on stderr, exit 2, before any Spark starts. */
class PipelineCommandTest {

    @Test
    void unknownStageIsAUserError() {
        CommandLineTest.Run r = CommandLineTest.Run.of("pipeline", "--cohort", "/nowhere", "--stages", "ingest,bogus");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown stage 'bogus'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void missingCohortIsAUserError() {
        CommandLineTest.Run r = CommandLineTest.Run.of("pipeline", "--stages", "ingest");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no cohort"), r.err());
    }

    @Test
    void misspelledSettingNamesTheNearestKey() {
        CommandLineTest.Run r = CommandLineTest.Run.of("pipeline", "--cohort", "/x", "--set", "spark.training.workrs=2");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("spark.training.workers"), r.err());
    }

    @Test
    void demoNeedsEnoughCases() {
        CommandLineTest.Run r = CommandLineTest.Run.of("demo", "--cases", "2");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--cases"), r.err());
    }
}
