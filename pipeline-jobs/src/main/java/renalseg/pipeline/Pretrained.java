package renalseg.pipeline;

import com.typesafe.config.Config;
import renalseg.plan.PlanResolution;

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

    /**
     * The configuration with the pretrained network's plan applied ({@link PlanResolution}), so that every
     * stage, from preprocess on, prepares the cohort as that network was trained; unchanged without
     * {@code model.pretrained} or when its {@code model.zip} is missing (the train stage then says so).
     */
    public static Config withPlan(Config c, org.apache.hadoop.conf.Configuration hadoop) {
        if (!configured(c)) {
            return c;
        }
        String model = uri(c) + "/" + Checkpoints.FINAL;
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(model);
            if (!p.getFileSystem(hadoop).exists(p)) {
                return c;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("model.pretrained: " + model + ": " + e.getMessage(), e);
        }
        return PlanResolution.resolve(c, Checkpoints.planAt(model, hadoop), "model.pretrained " + model, System.err);
    }

    /** The folder's URI (a local path becomes file:). */
    public static String uri(Config c) {
        return RunFolder.toUri(c.getString("model.pretrained"));
    }
}
