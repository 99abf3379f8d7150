package renalseg.cli;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import renalseg.config.RenalsegConfig;

/**
 * The configuration options every command shares ({@code --config FILE}, {@code --set KEY=VALUE}), as a
 * picocli mixin so that they are spelled and documented the same everywhere.
 */
public final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (HOCON) over conf/defaults.conf.")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a configuration key (repeatable).")
    List<String> sets = new ArrayList<>();

    /**
     * The effective configuration: defaults, the file, -D properties, --set, then {@code extra} (what the
     * command's own options say, e.g. --cohort, which is more specific than a --set).
     */
    public Config load(List<String> extra) {
        List<String> all = new ArrayList<>(sets);
        all.addAll(extra);
        return RenalsegConfig.load(file, all);
    }

    public Config load() {
        return load(List.of());
    }
}
