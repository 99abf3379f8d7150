package renalseg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import renalseg.inferers.CaseSegmenter;
import renalseg.io.NiftiReader;
import renalseg.io.NiftiWriter;
import renalseg.localization.Localizer;
import renalseg.localization.LocalizerRoiSource;
import renalseg.metrics.MetricSettings;
import renalseg.metrics.RegionMetrics;
import renalseg.metrics.SegmentationMetrics;
import renalseg.plan.PlanResolution;
import renalseg.plan.SegmentationPlan;
import renalseg.roi.LabelRoiSource;
import renalseg.roi.RoiSource;
import renalseg.training.Checkpoint;
import renalseg.util.InputError;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * Segments one CT volume with a checkpoint through {@link CaseSegmenter}, the code the pipeline's stages
 * run: the checkpoint's plan (HU window, ROI rules, pad; inference and post-processing defaults, which the
 * configuration may override), kidney ROIs from --label when given, else from the localizer saved with the
 * checkpoint, else the whole volume; windows and voting, CRF, largest components, the result in the
 * image's own grid as a uint8 NIfTI label map with the image's affine.
 */
@Command(name = "segment", mixinStandardHelpOptions = true,
    description = {"Segment one CT volume (NIfTI) with a trained checkpoint; writes a label map (0 background,",
        "1 kidney, 2 tumor) in the image's own space, as the pipeline's postprocess stage does (CRF, largest",
        "component per ROI). The checkpoint's plan fixes the HU window, ROI rules and pad value (a --set that",
        "changes them is refused) and gives the defaults of infer.* and postprocess.* (a --set wins). With",
        "--label, ROIs come from that label map and the metrics against it are printed; without, from the",
        "localizer saved with the checkpoint, else the whole volume is tiled."})
public final class SegmentCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, description = {"Checkpoint zip written by train, or its folder",
        "(then last.zip), or a pipeline run's checkpoints folder (then model.zip); without --label, kidney ROIs",
        "come from the localizer in that folder (localizer/)."})
    Path checkpoint;

    @Option(names = "--image", required = true, description = "CT volume (.nii / .nii.gz, HU).")
    Path image;

    @Option(names = "--out", required = true, description = "Output label map (.nii.gz).")
    Path out;

    @Option(names = "--label", description = "Label map on the image's grid: kidney ROIs from it, and metrics.")
    Path label;

    @CommandLine.Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
        Config c = configOptions.load();
        boolean folder = Files.isDirectory(checkpoint);
        // a folder: train's (last.zip) or the pipeline's <run>/checkpoints (model.zip)
        Path file = !folder ? checkpoint : Files.isRegularFile(checkpoint.resolve("last.zip"))
            ? checkpoint.resolve("last.zip") : checkpoint.resolve("model.zip");
        if (!Files.isRegularFile(file)) {
            throw new InputError("segment: checkpoint not found: " + file + (folder ? " (a folder must hold last.zip, as "
                + "train writes, or model.zip, as the pipeline's train stage writes)" : ""));
        }
        Checkpoint ck = Checkpoint.read(file);
        SegmentationPlan plan = SegmentationPlan.from(PlanResolution.resolve(c, ck.plan(), "checkpoint " + file,
            System.err));
        Path checkpointDir = folder ? checkpoint : checkpoint.toAbsolutePath().getParent();
        NiftiReader reader = new NiftiReader(c.getLong("cohort.max-voxels"));
        ImageVolume img = reader.image(image).volume();
        LabelVolume truth = label == null ? null : reader.labels(label);
        if (truth != null && !truth.geometry().sameShape(img.geometry())) {
            throw new InputError("--label " + label + " is not on the grid of --image " + image);
        }
        // no labels: the kidney localizer saved with the checkpoint when there is one, else the whole volume
        String sourceName = truth != null ? "labels"
            : Localizer.existsIn(checkpointDir) ? "localizer" : "whole-volume";
        RoiSource source = switch (sourceName) {
            case "labels" -> new LabelRoiSource(plan.roi());
            case "localizer" -> LocalizerRoiSource.forCheckpoint(checkpointDir, plan.roi(), System.err);
            default -> null;
        };
        String caseId = image.getFileName().toString().replaceAll("\\.nii(\\.gz)?$", "");
        long t0 = System.nanoTime();
        CaseSegmenter.Segmentation seg = CaseSegmenter.of(ck, plan).segment(caseId, img, truth, source, false);
        LabelVolume pred = seg.labels();
        NiftiWriter.write(out, pred);
        long[] counts = new long[3];
        for (byte b : pred.labels()) {
            counts[Math.min(2, b & 0xff)]++;
        }
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("image", image.toString());
        row.put("out", out.toString());
        row.put("rois", seg.prepared().rois().size());
        row.put("roi_source", sourceName);
        row.put("kidney_voxels", counts[1]);
        row.put("tumor_voxels", counts[2]);
        row.put("seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
        // the effective plan: what the result was made with (the checkpoint's, with any overrides)
        row.put("plan", json.readTree(plan.toJson()));
        System.out.println(json.writeValueAsString(row));
        if (truth != null) {
            for (RegionMetrics m : SegmentationMetrics.evaluate(truth, pred, MetricSettings.from(c))) {
                System.out.println(json.writeValueAsString(m));
            }
        }
        return 0;
    }
}
