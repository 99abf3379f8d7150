package renalseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {

    /** Runs the command line capturing stdout and stderr. */
    record Run(int code, String out, String err) {
        static Run of(String... args) {
            CommandRunner.Result r = CommandRunner.run(args);
            return new Run(r.code(), r.out(), r.err());
        }
    }

    @Test
    void helpListsTheCommands() {
        Run r = Run.of("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("synth"), r.out());
        assertTrue(r.out().contains("version"), r.out());
    }

    @Test
    void everyCommandHasHelp() {
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            Run r = Run.of(name, "--help");
            assertEquals(0, r.code(), name);
            assertTrue(r.out().startsWith("Usage: renalseg " + name), name + ": " + r.out());
        }
    }

    @Test
    void versionNamesTheStack() {
        Run r = Run.of("version");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("spark 3.5"), r.out());
        assertTrue(r.out().contains("deeplearning4j 1.0.0-M2.1"), r.out());
    }

    @Test
    void wrongOptionIsOneLineAndExitCode2() {
        Run r = Run.of("synth", "--out", "/tmp/x", "--nope");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--nope"), r.err());
        Run missing = Run.of("synth");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--out"), missing.err());
        Run badSize = Run.of("synth", "--out", "/tmp/x", "--size", "huge");
        assertEquals(2, badSize.code());
        assertTrue(badSize.err().contains("huge"), badSize.err());
    }

    @Test
    void synthWritesTheCohortAndOneJsonLinePerCase(@TempDir Path dir) {
        Run r = Run.of("synth", "--out", dir.toString(), "--cases", "2", "--size", "small", "--seed", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, r.out().strip().lines().count(), r.out());
        assertTrue(r.out().contains("\"case_id\":\"case_00001\""), r.out());
        for (String c : new String[] {"case_00000", "case_00001"}) {
            assertTrue(Files.isRegularFile(dir.resolve(c).resolve("imaging.nii.gz")));
            assertTrue(Files.isRegularFile(dir.resolve(c).resolve("segmentation.nii.gz")));
        }
    }
}
