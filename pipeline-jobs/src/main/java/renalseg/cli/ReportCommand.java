package renalseg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import renalseg.config.ConfigError;
import renalseg.config.RenalsegConfig;
import renalseg.report.StudyReport;
import renalseg.util.InputError;

/**
 * {@code renalseg report --run DIR}: writes the study report of an existing run folder (as the evaluate
 * stage does at its end) and prints {"report": URI} on stdout.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write <run>/report/index.html (tables, plots, example slices) from a run folder's tables",
        "and segmentations; readable offline in any browser."})
public final class ReportCommand implements Callable<Integer> {

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run folder (local path or Hadoop URI).")
    String run;

    @Option(names = "--config", paramLabel = "FILE",
        description = "Configuration file (HOCON); default: the run's config.conf when the run folder is local.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a configuration key (repeatable).")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path local = localRun();
        if (local != null && !Files.isDirectory(local)) {
            throw new InputError("run folder " + run + " does not exist");
        }
        Config cfg = RenalsegConfig.load(configFile(local), sets);
        SparkConf conf = new SparkConf();
        conf.setIfMissing("spark.master", cfg.getString("spark.master"));
        conf.setIfMissing("spark.app.name", cfg.getString("spark.app-name") + " report");
        conf.setIfMissing("spark.ui.enabled", "false");
        for (Map.Entry<String, ConfigValue> e : cfg.getConfig("spark.conf").entrySet()) {
            // keys like "spark.hadoop.fs.s3a.endpoint" are quoted single path elements in HOCON
            String key = e.getKey().replaceAll("^\"(.*)\"$", "$1");
            conf.set(key, String.valueOf(e.getValue().unwrapped()));
        }
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            String index = StudyReport.write(spark, run, cfg);
            System.out.println(new ObjectMapper().writeValueAsString(Map.of("report", index)));
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** The run folder as a local path; null when it is on another file system. */
    private Path localRun() {
        if (!run.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return Paths.get(run);
        }
        return "file".equals(URI.create(run).getScheme()) ? Paths.get(URI.create(run)) : null;
    }

    /** --config, else the run's own config.conf (local runs) when it still loads, else the defaults. */
    private Path configFile(Path local) {
        if (config != null) {
            return config;
        }
        if (local == null || !Files.isRegularFile(local.resolve("config.conf"))) {
            return null;
        }
        try {
            RenalsegConfig.load(local.resolve("config.conf"), List.of());
            return local.resolve("config.conf");
        } catch (ConfigError e) {
            System.err.println("report: the run's config.conf does not load with this version ("
                + e.getMessage() + "); using the defaults");
            return null;
        }
    }
}
