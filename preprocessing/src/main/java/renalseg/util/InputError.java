package renalseg.util;

/**
 * Bad input from the user or the cohort: a missing, unreadable or malformed file, a mismatch between
 * image and label. The message names the file or case and what is wrong; the command line turns it into
 * a one-line error with exit code 2, and cohort runs record it in the failures table.
 */
public class InputError extends RuntimeException {
    public InputError(String message) {
        super(message);
    }

    public InputError(String message, Throwable cause) {
        super(message, cause);
    }
}
