package renalseg.plan;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import renalseg.inferers.InferSettings;
import renalseg.postprocessing.components.ComponentSettings;
import renalseg.postprocessing.crf.CrfSettings;
import renalseg.roi.RoiSettings;
import renalseg.transforms.PreprocessSettings;

/**
 * What a trained network needs besides its weights to reproduce its inputs and outputs, saved in its
 * checkpoint (like an nnU-Net plans file or a MONAI bundle's inference config): the training-time keys
 * (HU window, resampling target, ROI shape and pad value; the normalization mean is the checkpoint's own
 * field) and the defaults of inference (windows, voting, mirroring) and post-processing (CRF, components).
 *
 * <p>Stored as JSON with the configuration's own key names ({@code {"format":1,"preprocess":{"hu-min":..},
 * "roi":{..},"infer":{..},"postprocess":{..}}}), so a user reads it like conf/defaults.conf and the settings
 * records parse it with the same {@code from(Config)} as a configuration.
 *
 * @param preprocess HU window and the resampling target ({@code resample = false}: none; the spacing only
 *                   counts when resampling is on)
 */
public record SegmentationPlan(PreprocessSettings preprocess, RoiSettings roi, InferSettings infer, CrfSettings crf,
                               ComponentSettings components) implements java.io.Serializable {

    /** Version of the plan's JSON layout. */
    public static final int FORMAT = 1;

    /** Keys fixed by training: a configuration may repeat them but not change them. */
    public static final List<String> TRAINING_KEYS = List.of("preprocess.hu-min", "preprocess.hu-max",
        "preprocess.resample.enabled", "preprocess.resample.spacing-mm", "roi.in-plane", "roi.unit",
        "roi.slice-margin", "roi.pad-hu");

    /** Keys whose plan value is a default: a configuration that sets them wins. */
    public static final List<String> INFERENCE_KEYS = List.of("roi.min-kidney-fraction", "infer.overlap",
        "infer.voting", "infer.mirroring", "postprocess.crf.enabled", "postprocess.crf.iterations",
        "postprocess.crf.appearance-weight", "postprocess.crf.appearance-position-mm",
        "postprocess.crf.appearance-intensity-hu", "postprocess.crf.smoothness-weight",
        "postprocess.crf.smoothness-position-mm", "postprocess.crf.crop-min-probability",
        "postprocess.crf.crop-margin-mm", "postprocess.connectivity", "postprocess.keep-components");

    public static SegmentationPlan from(Config c) {
        return new SegmentationPlan(PreprocessSettings.from(c), RoiSettings.from(c), InferSettings.from(c),
            CrfSettings.from(c), ComponentSettings.from(c));
    }

    /** The plan's keys (every one of {@link #TRAINING_KEYS} and {@link #INFERENCE_KEYS}) as a configuration. */
    public Config toConfig() {
        Map<String, Object> v = new TreeMap<>();
        v.put("preprocess.hu-min", num(preprocess.huMin()));
        v.put("preprocess.hu-max", num(preprocess.huMax()));
        v.put("preprocess.resample.enabled", preprocess.resample());
        v.put("preprocess.resample.spacing-mm", list(preprocess.spacingMm()));
        v.put("roi.in-plane", num(roi.inPlane()));
        v.put("roi.unit", roi.mm() ? "mm" : "voxels");
        v.put("roi.slice-margin", roi.sliceMargin());
        v.put("roi.pad-hu", num(roi.padHu()));
        v.put("roi.min-kidney-fraction", num(roi.minKidneyFraction()));
        v.put("infer.overlap", list(infer.overlap()));
        v.put("infer.voting", infer.voting().name().toLowerCase(Locale.ROOT));
        v.put("infer.mirroring", infer.mirroring());
        v.put("postprocess.crf.enabled", crf.enabled());
        v.put("postprocess.crf.iterations", crf.iterations());
        v.put("postprocess.crf.appearance-weight", num(crf.appearanceWeight()));
        v.put("postprocess.crf.appearance-position-mm", num(crf.appearancePositionMm()));
        v.put("postprocess.crf.appearance-intensity-hu", num(crf.appearanceIntensity()));
        v.put("postprocess.crf.smoothness-weight", num(crf.smoothnessWeight()));
        v.put("postprocess.crf.smoothness-position-mm", num(crf.smoothnessPositionMm()));
        v.put("postprocess.crf.crop-min-probability", num(crf.cropMinProbability()));
        v.put("postprocess.crf.crop-margin-mm", num(crf.cropMarginMm()));
        v.put("postprocess.connectivity", components.connectivity().neighbours());
        v.put("postprocess.keep-components", components.keep());
        Config c = ConfigFactory.empty();
        for (Map.Entry<String, Object> e : v.entrySet()) {
            c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue(), "segmentation plan"));
        }
        return c;
    }

    /** {@code {"format":1, ...the keys...}}: what the checkpoint stores. */
    public String toJson() {
        return toConfig().withValue("format", ConfigValueFactory.fromAnyRef(FORMAT)).root()
            .render(ConfigRenderOptions.concise());
    }

    /**
     * Reads {@link #toJson()}'s text.
     *
     * @throws IllegalArgumentException on another format version or a missing key
     */
    public static SegmentationPlan fromJson(String json) {
        Config c = ConfigFactory.parseString(json);
        int format = c.hasPath("format") ? c.getInt("format") : -1;
        if (format != FORMAT) {
            throw new IllegalArgumentException("segmentation plan format " + format + ", this version reads " + FORMAT);
        }
        try {
            return from(c);
        } catch (com.typesafe.config.ConfigException e) {
            throw new IllegalArgumentException("segmentation plan is incomplete: " + e.getMessage(), e);
        }
    }

    /** One line, every key = value, for logs and the run folder. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        Config c = toConfig();
        for (String k : keys()) {
            b.append(b.length() == 0 ? "" : ", ").append(k).append(" = ")
                .append(c.getValue(k).render(ConfigRenderOptions.concise()));
        }
        return b.toString();
    }

    /** Every key of the plan, training-time first. */
    public static List<String> keys() {
        return java.util.stream.Stream.concat(TRAINING_KEYS.stream(), INFERENCE_KEYS.stream()).toList();
    }

    private static List<Object> list(double[] a) {
        return Arrays.stream(a).mapToObj(SegmentationPlan::num).toList();
    }

    /** Whole numbers as integers, so the plan reads like the configuration it came from (-200, not -200.0). */
    private static Object num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) v;
    }
}
