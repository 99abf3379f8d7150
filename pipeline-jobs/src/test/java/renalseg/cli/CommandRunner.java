package renalseg.cli;

/** Runs the command line in this JVM with stdout and stderr captured (for tests in other packages). */
public final class CommandRunner {

    private CommandRunner() {
    }

    public record Result(int code, String out, String err) {
    }

    public static Result run(String... args) {
        InspectCommandTest.Run r = InspectCommandTest.run(args);
        return new Result(r.code(), r.out(), r.err());
    }
}
