package renalseg.cohort;

import renalseg.util.InputError;

/** A case id that cannot safely become a file or folder name (it could escape the output folder). */
public final class InvalidCaseId extends InputError {
    public InvalidCaseId(String message) {
        super(message);
    }
}
