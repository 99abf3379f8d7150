package renalseg.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions stamped into the jar at build time (renalseg-build.properties, filtered by Maven). */
final class BuildInfo {
    private static final Properties PROPS = new Properties();

    static {
        try (InputStream in = BuildInfo.class.getResourceAsStream("/renalseg-build.properties")) {
            if (in != null) {
                PROPS.load(in);
            }
        } catch (IOException e) {
            // versions print as "unknown"
        }
    }

    private BuildInfo() {
    }

    static String get(String key) {
        return PROPS.getProperty(key, "unknown");
    }
}
