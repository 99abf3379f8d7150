package renalseg.pipeline;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.io.Serializable;

/**
 * The effective configuration as text, for executor code: libraries' settings records are built from it
 * where they run (not all of them are Serializable, and this keeps closures small and explicit).
 */
public final class ConfigText implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String text;
    private transient Config config;

    public ConfigText(Config config) {
        this.text = config.root().render(ConfigRenderOptions.concise());
        this.config = config;
    }

    public synchronized Config get() {
        if (config == null) {
            config = ConfigFactory.parseString(text).resolve();
        }
        return config;
    }
}
