package renalseg.pipeline;

import com.typesafe.config.Config;

/**
 * {@code model.pretrained}: the checkpoint folder of an earlier run to infer with instead of training
 * (how a cohort of new, unlabelled patients is segmented).
 */
public final class Pretrained {

    private Pretrained() {
    }

    public static boolean configured(Config c) {
        return c.hasPath("model.pretrained") && !c.getIsNull("model.pretrained")
            && !c.getString("model.pretrained").isBlank();
    }

    /** The folder's URI (a local path becomes file:). */
    public static String uri(Config c) {
        return RunFolder.toUri(c.getString("model.pretrained"));
    }
}
