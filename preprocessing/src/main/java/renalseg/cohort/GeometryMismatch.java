package renalseg.cohort;

import renalseg.util.InputError;

/** A case whose label map does not lie on its image's grid (shape or affine differ). */
public final class GeometryMismatch extends InputError {
    public GeometryMismatch(String message) {
        super(message);
    }
}
