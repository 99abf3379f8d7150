package renalseg.synth;

import java.util.Locale;
import renalseg.util.InputError;

/**
 * Phantom sizes. STANDARD varies like clinical cohorts (see {@link Variation}): a 512 x 512 matrix over a
 * 300-450 mm field of view, 0.5-5 mm slices, 30-600 slices (at most {@link PhantomGenerator#DEFAULT_MAX_SLICES}
 * unless asked for more), arterial, portal-venous or nephrographic phase, noise, build, kidneys of 80-280 ml
 * at varied positions and rotations, tumors of 1-300 ml (endophytic to exophytic), cysts; their files vary
 * in orientation and datatype ({@link HeaderVariant}). SMALL keeps tests fast: 96 x 96 x 32 voxels with
 * in-plane spacing 0.6-0.8 mm and 2.5-5 mm slices, arterial phase, the same anatomy shrunk to that field of
 * view (a miniature: organ volumes scale with it, kidneys of roughly 5-25 ml), stored as KiTS19 stores cases.
 */
public enum PhantomSize {
    SMALL(96, 96, 32),
    STANDARD(512, 512, -1),
    /** A clinical scan for cost measurements: a STANDARD phantom of 100-300 slices. */
    CLINICAL(512, 512, -1);

    /** In-plane voxels, and slices (-1: drawn per case). */
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
