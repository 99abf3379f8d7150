package renalseg.pipeline;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.List;
import renalseg.tables.CaseRow;
import renalseg.transforms.PreprocessSettings;
import renalseg.transforms.TargetSpacing;
import renalseg.util.InputError;

/**
 * {@code preprocess.resample.spacing-mm = auto} made concrete for a run: the median canonical spacing
 * ({@link TargetSpacing#median}) of its labelled cases that passed ingest, read from the {@code cases} table.
 * nnU-Net plans on its training set; here the split is drawn only after preprocess (among the cases that
 * passed it), so the plan takes every labelled case that could train: the same set, and so the same value,
 * in every stage that reads a case (preprocess, localize); later stages take the grid from the ROI rows'
 * {@code spacing}, and the train stage records the value in the checkpoint's plan.
 */
public final class ResampleSpacing {

    private ResampleSpacing() {
    }

    /** The run's configuration with the spacing resolved (unchanged unless resampling is on with auto). */
    public static Config resolve(PipelineContext ctx) {
        Config c = ctx.config();
        if (!PreprocessSettings.from(c).autoSpacing()) {
            return c;
        }
        List<double[]> spacings = new ArrayList<>();
        for (CaseRow r : ctx.run().rows(ctx.spark(), CaseRow.TABLE)) {
            if (r.ok() && r.labelled()) {
                spacings.add(TargetSpacing.canonical(r.spacing(), r.orientation()));
            }
        }
        if (spacings.isEmpty()) {
            throw new InputError(PreprocessSettings.SPACING_KEY + " = auto needs this run's labelled cases (there "
                + "are none, e.g. with model.pretrained): set the spacing the networks were trained at");
        }
        double[] m = TargetSpacing.median(spacings);
        System.err.printf(java.util.Locale.ROOT, "renalseg: resampling to the labelled cases' median spacing "
            + "%.3f x %.3f x %.3f mm (%d cases)%n", m[0], m[1], m[2], spacings.size());
        return c.withValue(PreprocessSettings.SPACING_KEY, ConfigValueFactory.fromIterable(List.of(m[0], m[1], m[2])));
    }
}
