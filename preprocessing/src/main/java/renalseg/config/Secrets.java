package renalseg.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What of a configuration may be shown (config.conf, logs, the report): an allowlist, not a list of
 * secret-looking names, because credential keys are open-ended ({@code fs.azure.account.key.<account>...},
 * {@code fs.s3a.bucket.<b>.secret.key}, {@code fs.gs.auth.service.account.private.key}, new ones each
 * release). A value is shown when its key is one of renalseg's own (declared in defaults.conf outside the
 * free-form {@code open-keys}, none of them a credential), or when the key's last dot-separated segment is
 * on {@link #HARMLESS_LAST}; every other value becomes {@value #MASK}. Credentials inside URIs
 * ({@code scheme://user:secret@host}) are masked in every shown value.
 */
public final class Secrets {

    public static final String MASK = "***";

    /** Last key segments of Spark/Hadoop settings that never hold a credential. */
    static final Set<String> HARMLESS_LAST = Set.of(
        "master", "endpoint", "region", "impl", "enable", "enabled", "retention", "access", "style",
        "memory", "memoryoverhead", "cores", "instances", "maxresultsize", "partitions", "parallelism",
        "serializer", "timeout", "interval", "threads", "maximum", "max", "min", "size", "level", "dir",
        "provider", "type", "attempts", "limit", "fraction", "compress", "codec", "buffer", "mode",
        "connections", "sslenabled", "ssl", "multiobjectdelete", "marker", "blocksize", "class", "port",
        "host", "uri", "path", "format", "count");

    private static final Pattern URI_USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s\"]+@");

    private Secrets() {
    }

    /** True when the value of {@code key} (a full HOCON path of {@code config}) may be shown. */
    public static boolean shown(String key, Config defaults) {
        List<String> path = ConfigUtil.splitPath(key);
        List<String> open = defaults.hasPath("open-keys") ? defaults.getStringList("open-keys") : List.of();
        String joined = String.join(".", path);
        boolean underOpen = open.stream().anyMatch(o -> joined.startsWith(o + "."));
        if (!underOpen && defaults.hasPathOrNull(key)) {
            return true;
        }
        return harmlessSettingName(path.get(path.size() - 1));
    }

    /** A Spark/Hadoop setting name ({@code spark.hadoop.fs.s3a.endpoint}) whose value may be shown. */
    public static boolean harmlessSettingName(String name) {
        int dot = name.lastIndexOf('.');
        return HARMLESS_LAST.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** {@code scheme://user:secret@host/...} becomes {@code scheme://***@host/...}. */
    public static String maskUserInfo(String s) {
        return s == null ? null : URI_USERINFO.matcher(s).replaceAll("$1" + MASK + "@");
    }

    /** The configuration with every value that may not be shown replaced by {@value #MASK}. */
    public static Config redact(Config config) {
        Config defaults = RenalsegConfig.defaults();
        Config out = config;
        for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
            String key = e.getKey();
            ConfigValue v = e.getValue();
            if (!shown(key, defaults)) {
                out = out.withValue(key, ConfigValueFactory.fromAnyRef(MASK));
            } else if (v.valueType() == ConfigValueType.STRING) {
                String s = (String) v.unwrapped();
                String m = maskUserInfo(s);
                if (!m.equals(s)) {
                    out = out.withValue(key, ConfigValueFactory.fromAnyRef(m));
                }
            } else if (v.valueType() == ConfigValueType.LIST) {
                String rendered = v.render(ConfigRenderOptions.concise());
                if (!maskUserInfo(rendered).equals(rendered)) {
                    out = out.withValue(key, ConfigValueFactory.fromAnyRef(MASK));
                }
            }
        }
        return out;
    }

    /** Redacted HOCON text (what config.conf and the report hold). */
    public static String render(Config config) {
        return redact(config).root().render(ConfigRenderOptions.defaults().setOriginComments(false)
            .setComments(false).setJson(false));
    }
}
