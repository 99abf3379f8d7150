package renalseg.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads renalseg's HOCON configuration. Layers, later wins: {@code conf/defaults.conf} (every valid key
 * with its default, packaged in the jar), the user's file (e.g. {@code conf/local.conf}), {@code -Dkey=value}
 * system properties whose first path element is a top-level key of the defaults, and {@code --set key=value}.
 *
 * <p>Every key a user sets must exist in the defaults: a misspelling is an error naming the key and the
 * nearest valid one, never a silently ignored setting. Objects listed in {@code open-keys} (free-form maps
 * such as extra Spark settings) accept any key below them.
 */
public final class RenalsegConfig {

    public static final String DEFAULTS_RESOURCE = "conf/defaults.conf";

    private RenalsegConfig() {
    }

    /** The packaged defaults alone. */
    public static Config defaults() {
        return parseResource(DEFAULTS_RESOURCE);
    }

    /**
     * The effective configuration: defaults, then {@code file} (may be null), then matching system
     * properties, then {@code overrides} ("key=value", value in HOCON syntax or a bare string).
     */
    public static Config load(Path file, List<String> overrides) {
        Config defaults = defaults();
        Config layered = ConfigFactory.empty();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigError("configuration file not found: " + file);
            }
            try {
                Config user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
                check(user, defaults, file.toString());
                layered = user;
            } catch (ConfigException e) {
                throw new ConfigError("cannot read configuration " + file + ": " + e.getMessage(), e);
            }
        }
        Config sys = systemOverrides(defaults);
        check(sys, defaults, "-D system properties");
        layered = sys.withFallback(layered);
        Config sets = parseOverrides(overrides == null ? List.of() : overrides);
        check(sets, defaults, "--set");
        layered = sets.withFallback(layered);
        try {
            return layered.withFallback(defaults).resolve();
        } catch (ConfigException e) {
            throw new ConfigError("configuration does not resolve: " + e.getMessage(), e);
        }
    }

    /** Parses "key=value" strings; the value is HOCON (numbers, lists, quoted strings) or a bare string. */
    public static Config parseOverrides(List<String> overrides) {
        Config out = ConfigFactory.empty();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                // the argument is not echoed: it may be a secret given without its key
                throw new ConfigError("--set expects key=value; an argument has no '=' (" + o.length()
                    + " characters, not shown)");
            }
            String key = o.substring(0, eq).trim();
            String raw = o.substring(eq + 1).trim();
            ConfigValue value;
            try {
                value = ConfigFactory.parseString("v = " + raw).getValue("v");
            } catch (ConfigException e) {
                value = ConfigValueFactory.fromAnyRef(raw);
            }
            try {
                out = out.withValue(key, value);
            } catch (ConfigException e) {
                throw new ConfigError("bad configuration key '" + key + "': " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static Config systemOverrides(Config defaults) {
        Set<String> roots = defaults.root().keySet();
        Properties props = System.getProperties();
        List<String> sets = new ArrayList<>();
        for (String name : props.stringPropertyNames()) {
            int dot = name.indexOf('.');
            String root = dot < 0 ? name : name.substring(0, dot);
            // "spark.*" JVM properties belong to Spark itself (spark-submit sets them), not to us.
            if (roots.contains(root) && !root.equals("spark") && dot > 0) {
                sets.add(name + "=" + props.getProperty(name));
            }
        }
        return parseOverrides(sets);
    }

    /** Fails on the first key of {@code user} that the defaults do not know (outside open objects). */
    public static void check(Config user, Config defaults, String source) {
        List<String> open = defaults.hasPath("open-keys") ? defaults.getStringList("open-keys") : List.of();
        Set<String> valid = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : defaults.entrySet()) {
            valid.add(e.getKey());
        }
        for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
            String key = e.getKey();
            if (valid.contains(key) || isUnderOpen(key, open) || isNullDefault(key, defaults)) {
                continue;
            }
            String near = nearest(key, valid);
            throw new ConfigError("unknown configuration key '" + key + "' in " + source
                + (near == null ? "" : " (did you mean '" + near + "'?)"));
        }
    }

    private static boolean isUnderOpen(String key, List<String> open) {
        for (String o : open) {
            if (key.equals(o) || key.startsWith(o + ".")) {
                return true;
            }
        }
        return false;
    }

    /** Keys whose default is null are valid (entrySet skips nulls), as long as the path exists. */
    private static boolean isNullDefault(String key, Config defaults) {
        try {
            return defaults.hasPathOrNull(key);
        } catch (ConfigException e) {
            return false;
        }
    }

    static String nearest(String key, Set<String> valid) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String v : valid) {
            int d = levenshtein(key, v);
            if (d < bestD) {
                bestD = d;
                best = v;
            }
        }
        return bestD <= Math.max(3, key.length() / 2) ? best : null;
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The configuration as HOCON text with credentials masked (see {@link Secrets}): what run folders hold. */
    public static String render(Config config) {
        return Secrets.render(config);
    }

    /** A HOCON resource from the classpath (e.g. {@code conf/model/small.conf}); its includes resolve there too. */
    public static Config parseResource(String resource) {
        ClassLoader cl = RenalsegConfig.class.getClassLoader();
        if (cl.getResource(resource) == null) {
            throw new ConfigError("configuration resource not found on the classpath: " + resource);
        }
        try (Reader r = new InputStreamReader(cl.getResourceAsStream(resource), StandardCharsets.UTF_8)) {
            return ConfigFactory.parseReader(r, ConfigParseOptions.defaults().setOriginDescription(resource));
        } catch (IOException e) {
            throw new ConfigError("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }
}
