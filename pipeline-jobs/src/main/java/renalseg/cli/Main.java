package renalseg.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code renalseg} command line. Each subcommand is one class in this package; add new ones to
 * {@code subcommands} below. Errors: bad options, missing or malformed input and bad configuration
 * are one line on stderr and exit code 2; anything else is one line and exit code 1 (set
 * RENALSEG_DEBUG=1 for the stack trace).
 */
@Command(name = "renalseg", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Kidney and renal tumor segmentation in abdominal CT (3D FCN-PPM on Spark + DL4J).",
    subcommands = {
        VersionCommand.class,
        SynthCommand.class,
        InspectCommand.class,
        EvaluateCommand.class,
        PostprocessCommand.class,
        PipelineCommand.class,
        DemoCommand.class,
        ReportCommand.class,
        ModelInfoCommand.class,
        TrainCommand.class,
        SegmentCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int execute(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("renalseg " + ex.getCommandLine().getCommandName() + ": " + ex.getMessage()
                + " (see --help)");
            err.flush();
            return 2;
        });
        return cl;
    }
}
