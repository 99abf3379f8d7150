package renalseg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import renalseg.cohort.KitsLabels;
import renalseg.io.NiftiReader;
import renalseg.metrics.MetricSettings;
import renalseg.metrics.Region;
import renalseg.metrics.RegionMetrics;
import renalseg.metrics.SegmentationMetrics;
import renalseg.util.InputError;
import renalseg.volume.LabelVolume;

/**
 * Compares a predicted label map with the truth (docs/metrics.md) and prints one JSON object per region and
 * line: kidney, tumor, kidney_and_tumor.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Evaluate a predicted segmentation against the truth (definitions in docs/metrics.md).",
        "Prints one JSON object per region (kidney, tumor, kidney_and_tumor) and line: region, dice, assd_mm,",
        "assd_vox, hd95_mm, hausdorff_mm, surface_dice, pred_ml, truth_ml, null_reason (distances are null when",
        "the prediction or the truth is empty), and on the tumor line detected and false_positive.",
        "Both files must have the same shape and affine."})
public final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--truth", required = true, paramLabel = "FILE", description = "Ground-truth label map (NIfTI).")
    Path truth;

    @Option(names = "--pred", required = true, paramLabel = "FILE", description = "Predicted label map (NIfTI).")
    Path pred;


    @CommandLine.Mixin
    ConfigOptions configOptions = new ConfigOptions();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        Config config = configOptions.load();
        MetricSettings settings = MetricSettings.from(config);
        boolean cystAsKidney = config.getBoolean("cohort.kits21-cyst-as-kidney");
        NiftiReader reader = new NiftiReader(config.getLong("cohort.max-voxels"));
        LabelVolume t = KitsLabels.toKits19(reader.labels(truth), cystAsKidney, truth.toString());
        LabelVolume p = KitsLabels.toKits19(reader.labels(pred), cystAsKidney, pred.toString());
        List<RegionMetrics> rows;
        try {
            rows = SegmentationMetrics.evaluate(t, p, settings);
        } catch (InputError e) {
            throw new InputError(pred + " does not match " + truth + ": " + e.getMessage(), e);
        }
        for (RegionMetrics m : rows) {
            System.out.println(JSON.writeValueAsString(line(m)));
        }
        System.out.flush();
        return 0;
    }

    /** The metrics row; detection fields only on the tumor line. */
    static Map<String, Object> line(RegionMetrics m) {
        Map<String, Object> row = m.toRow();
        if (!Region.TUMOR.id().equals(m.region())) {
            row.remove("detected");
            row.remove("false_positive");
        }
        return row;
    }
}
