package renalseg.cli;

import java.io.FileNotFoundException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import renalseg.config.ConfigError;
import renalseg.util.InputError;

/** Turns exceptions into one line on stderr and an exit code: 2 for the user's input, 1 otherwise. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        String cmd = cl.getCommandName();
        boolean user = ex instanceof InputError || ex instanceof ConfigError
            || ex instanceof NoSuchFileException || ex instanceof FileNotFoundException
            || ex instanceof IllegalArgumentException;
        String msg = ex instanceof NoSuchFileException ? "file not found: " + ex.getMessage() : ex.getMessage();
        if (!user) {
            msg = ex.getClass().getSimpleName() + ": " + msg;
        }
        cl.getErr().println("renalseg " + cmd + ": error: " + msg);
        if (System.getenv("RENALSEG_DEBUG") != null) {
            ex.printStackTrace(cl.getErr());
        }
        cl.getErr().flush();
        return user ? 2 : 1;
    }
}
