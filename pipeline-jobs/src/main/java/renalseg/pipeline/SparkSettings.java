package renalseg.pipeline;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import renalseg.util.InputError;

/**
 * How the pipeline's SparkSession is made: {@code spark.master} (used only when spark-submit gave none),
 * {@code spark.app-name}, and free-form Spark/Hadoop settings from {@code spark.conf} overridden by the
 * command line's {@code --conf key=value} (as spark-submit does).
 */
public record SparkSettings(String master, String appName, Map<String, String> conf) {

    public SparkSettings {
        conf = Map.copyOf(conf);
    }

    public static SparkSettings from(Config config, List<String> cliConf) {
        Map<String, String> conf = new LinkedHashMap<>();
        if (config.hasPath("spark.conf")) {
            Config c = config.getConfig("spark.conf");
            for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
                // keys like "spark.hadoop.fs.s3a.endpoint" are quoted single path elements in HOCON
                String key = unquote(e.getKey());
                conf.put(key, String.valueOf(e.getValue().unwrapped()));
            }
        }
        for (String kv : cliConf == null ? List.<String>of() : cliConf) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                // the argument is not echoed: it may be a secret given without its key
                throw new InputError("--conf expects key=value; an argument has no '=' (" + kv.length()
                    + " characters, not shown)");
            }
            conf.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return new SparkSettings(config.getString("spark.master"), config.getString("spark.app-name"), conf);
    }

    private static String unquote(String key) {
        return key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"") ? key.substring(1, key.length() - 1) : key;
    }
}
