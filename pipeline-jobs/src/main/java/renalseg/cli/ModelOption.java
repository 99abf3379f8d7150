package renalseg.cli;

import picocli.CommandLine.Option;
import renalseg.networks.ModelSpec;

/**
 * {@code --model} of {@code model-info}, {@code bench model} and {@code bench case}: a network preset or a
 * model .conf file, as a picocli mixin so that it is spelled, resolved and documented the same everywhere.
 */
public final class ModelOption {

    @Option(names = "--model", defaultValue = "paper",
        description = "paper | small | a .conf file with the keys of conf/model/paper.conf (default: ${DEFAULT-VALUE}).")
    String model;

    /** The name or file as given. */
    public String name() {
        return model;
    }

    /** The network configuration it names (a ConfigError when unknown). */
    public ModelSpec spec() {
        return ModelSpec.load(model);
    }
}
