package renalseg.config;

/** A configuration that cannot be used: an unknown key, a wrong type, a missing file. The message is for users. */
public class ConfigError extends RuntimeException {
    public ConfigError(String message) {
        super(message);
    }

    public ConfigError(String message, Throwable cause) {
        super(message, cause);
    }
}
