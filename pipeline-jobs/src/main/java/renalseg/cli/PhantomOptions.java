package renalseg.cli;

import picocli.CommandLine.Option;
import renalseg.synth.PhantomSize;

/**
 * The synthetic-phantom options of {@code synth}, {@code demo} and {@code bench localizer} ({@code --size},
 * {@code --seed}), as a picocli mixin so that they are spelled, parsed and documented the same everywhere.
 * Each command gives its own defaults as the instance's initial values (picocli shows them as the default).
 */
public final class PhantomOptions {

    @Option(names = "--size", paramLabel = "SIZE",
        description = "Phantoms: small | standard | clinical (512 x 512 x 100-300) (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--seed", description = "Seed; the same seed gives the same phantoms (default: ${DEFAULT-VALUE}).")
    long seed;

    public PhantomOptions(String size, long seed) {
        this.size = size;
        this.seed = seed;
    }

    /** The phantom size; an unknown name is an input error naming the choices. */
    public PhantomSize size() {
        return PhantomSize.parse(size);
    }

    public long seed() {
        return seed;
    }
}
