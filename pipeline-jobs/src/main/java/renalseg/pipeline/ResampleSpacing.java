package renalseg.pipeline;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import renalseg.transforms.PreprocessSettings;
import renalseg.transforms.TargetSpacing;
import renalseg.util.InputError;

/**
 * {@code preprocess.resample.spacing-mm = auto} made concrete for a run: the median canonical spacing of
 * its training cases ({@link TargetSpacing#median}), read from the {@code cases} table. The split is fixed
 * at ingest, so every stage that reads a case (preprocess, localize) computes the same value; later stages
 * take the grid from the ROI rows' {@code spacing}.
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
        for (Row r : ctx.run().read(ctx.spark(), "cases")
            .where(col("status").equalTo("ok").and(col("split").equalTo("train")))
            .select("spacing", "orientation").collectAsList()) {
            List<Double> s = r.getList(0);
            spacings.add(TargetSpacing.canonical(new double[] {s.get(0), s.get(1), s.get(2)}, r.getString(1)));
        }
        if (spacings.isEmpty()) {
            throw new InputError(PreprocessSettings.SPACING_KEY + " = auto needs this run's training cases (there "
                + "are none, e.g. with model.pretrained): set the spacing the networks were trained at");
        }
        double[] m = TargetSpacing.median(spacings);
        System.err.printf(java.util.Locale.ROOT, "renalseg: resampling to the training cases' median spacing "
            + "%.3f x %.3f x %.3f mm (%d cases)%n", m[0], m[1], m[2], spacings.size());
        return c.withValue(PreprocessSettings.SPACING_KEY, ConfigValueFactory.fromIterable(List.of(m[0], m[1], m[2])));
    }
}
