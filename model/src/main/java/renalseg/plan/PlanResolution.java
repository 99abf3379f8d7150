package renalseg.plan;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.io.PrintStream;
import java.util.List;
import renalseg.config.RenalsegConfig;
import renalseg.util.InputError;

/**
 * How a configuration meets the plan saved with a network (the one rule for {@code segment}, the pipeline
 * and {@code model.pretrained}):
 * <ul>
 *   <li>a training-time key ({@link SegmentationPlan#TRAINING_KEYS}) takes the plan's value; a configuration
 *       that sets it explicitly to another value is refused ({@link InputError}, one line with the key and
 *       both values): the network would be fed data it was not trained on;</li>
 *   <li>an inference-time key ({@link SegmentationPlan#INFERENCE_KEYS}) takes the plan's value unless the
 *       configuration sets it explicitly, which wins.</li>
 * </ul>
 * "Explicitly" means the value does not come from the packaged conf/defaults.conf: a user's file, -D or
 * --set (even to the default's value) counts; this is what the configuration's origins tell, so a user can
 * also restore a default that the plan changed.
 *
 * <p>A checkpoint without a plan (written before plans existed) is used with the configuration as it is,
 * after one warning line that names what is assumed (like nnU-Net, say so rather than guess silently).
 */
public final class PlanResolution {

    private static final String SPACING_KEY = "preprocess.resample.spacing-mm";

    private PlanResolution() {
    }

    /**
     * The configuration to segment with: {@code config} with the plan's keys applied by the rule above.
     *
     * @param plan    the checkpoint's plan, or null for an old checkpoint (then {@code config} unchanged)
     * @param what    the checkpoint, for messages
     * @param warn    where the old-checkpoint warning goes
     */
    public static Config resolve(Config config, SegmentationPlan plan, String what, PrintStream warn) {
        if (plan == null) {
            warn.println("renalseg: warning: " + what + " holds no segmentation plan (written before plans were "
                + "saved); assuming this configuration's: " + SegmentationPlan.from(config).describe());
            return config;
        }
        Config p = plan.toConfig();
        boolean resampling = p.getBoolean("preprocess.resample.enabled")
            || config.getBoolean("preprocess.resample.enabled");
        Config out = config;
        for (String k : SegmentationPlan.TRAINING_KEYS) {
            boolean counts = resampling || !k.equals(SPACING_KEY);
            // "auto" asks for the training cases' median: the plan holds the value that was worked out
            boolean auto = k.equals(SPACING_KEY) && "auto".equals(config.getValue(k).unwrapped());
            if (counts && !auto && explicit(config, k) && !same(config.getValue(k).unwrapped(), p.getValue(k).unwrapped())) {
                throw new InputError(k + " = " + render(config.getValue(k)) + " differs from " + render(p.getValue(k))
                    + " that " + what + " was trained with (a training-time key: drop the override or retrain)");
            }
            out = out.withValue(k, p.getValue(k));
        }
        for (String k : SegmentationPlan.INFERENCE_KEYS) {
            if (!explicit(config, k)) {
                out = out.withValue(k, p.getValue(k));
            }
        }
        return out;
    }

    /** Whether the key's value comes from anywhere but the packaged defaults. */
    public static boolean explicit(Config config, String key) {
        ConfigValue v = config.getValue(key);
        String origin = v.origin() == null ? "" : v.origin().description();
        return !origin.startsWith(RenalsegConfig.DEFAULTS_RESOURCE);
    }

    /** Equal as configuration values: numbers by value (-200 = -200.0), lists element by element. */
    static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof String x && b instanceof String y) {
            return x.equalsIgnoreCase(y);
        }
        return a == null ? b == null : a.equals(b);
    }

    private static String render(ConfigValue v) {
        return v.render(ConfigRenderOptions.concise());
    }
}
