package renalseg.synth;

import java.util.Locale;
import renalseg.util.InputError;

/**
 * Phantom sizes. STANDARD looks like real arterial-phase CT around the kidneys: 320 x 320 in-plane at
 * 0.6-0.8 mm (a 192-256 mm field of view: at 256 x 256 two kidneys of 250 ml and the spine between them
 * do not fit at that spacing), 1-5 mm slices over 150-200 mm, kidneys of 100-250 ml, tumors of 2-150 ml.
 * SMALL keeps tests fast: 96 x 96 x 32 voxels with in-plane spacing 0.6-0.8 mm and
 * 2.5-5 mm slices, the same anatomy shrunk to that field of view (a miniature: organ volumes scale with
 * it, kidneys of roughly 5-25 ml).
 */
public enum PhantomSize {
    SMALL(96, 96, 32),
    STANDARD(320, 320, -1),
    /** A clinical scan's grid (KiTS19's 512 x 512), 1.25-2.5 mm slices over 250-375 mm: 100-300 slices. */
    CLINICAL(512, 512, -1);

    /** In-plane voxels, and slices (-1: from the slice spacing, to cover 150-200 mm). */
    public final int nx;
    public final int ny;
    public final int nz;

    PhantomSize(int nx, int ny, int nz) {
        this.nx = nx;
        this.ny = ny;
        this.nz = nz;
    }

    /** "small", "standard" or "clinical" (any case); anything else is an InputError naming the value. */
    public static PhantomSize parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InputError("--size must be small, standard or clinical, not '" + name + "'");
        }
    }
}
