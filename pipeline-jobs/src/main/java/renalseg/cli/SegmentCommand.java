package renalseg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import renalseg.inferers.InferSettings;
import renalseg.inferers.SlidingWindowInferer;
import renalseg.io.NiftiReader;
import renalseg.io.NiftiWriter;
import renalseg.localization.Localizer;
import renalseg.localization.LocalizerRoiSource;
import renalseg.metrics.MetricSettings;
import renalseg.metrics.RegionMetrics;
import renalseg.metrics.SegmentationMetrics;
import renalseg.roi.CasePreprocessor;
import renalseg.roi.KidneyRoi;
import renalseg.roi.KidneySide;
import renalseg.roi.LabelRoiSource;
import renalseg.roi.PreparedCase;
import renalseg.roi.RoiBox;
import renalseg.roi.RoiPlacement;
import renalseg.roi.RoiSettings;
import renalseg.roi.RoiSource;
import renalseg.training.Checkpoint;
import renalseg.transforms.PreprocessSettings;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * Segments one CT volume with a checkpoint: kidney ROIs from --label when given (else the whole volume is
 * one region tiled by windows, until a localizer exists), sliding-window inference per ROI, results pasted
 * back into the image's own grid and written as a uint8 NIfTI label map with the image's affine.
 */
@Command(name = "segment", mixinStandardHelpOptions = true,
    description = {"Segment one CT volume (NIfTI) with a trained checkpoint; writes a label map (0 background,",
        "1 kidney, 2 tumor) in the image's own space. With --label, ROIs come from that label map and the",
        "metrics against it are printed; without, the whole volume is tiled."})
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
        boolean folder = java.nio.file.Files.isDirectory(checkpoint);
        // a folder: train's (last.zip) or the pipeline's <run>/checkpoints (model.zip)
        Path file = !folder ? checkpoint : java.nio.file.Files.isRegularFile(checkpoint.resolve("last.zip"))
            ? checkpoint.resolve("last.zip") : checkpoint.resolve("model.zip");
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new renalseg.util.InputError("segment: checkpoint not found: " + file + (folder ? " (a folder must hold last.zip, as "
                + "train writes, or model.zip, as the pipeline's train stage writes)" : ""));
        }
        Checkpoint ck = Checkpoint.read(file);
        Path checkpointDir = folder ? checkpoint : checkpoint.toAbsolutePath().getParent();
        NiftiReader reader = new NiftiReader(c.getLong("cohort.max-voxels"));
        ImageVolume img = reader.image(image).volume();
        LabelVolume truth = label == null ? null : reader.labels(label);
        if (truth != null && !truth.geometry().sameShape(img.geometry())) {
            throw new renalseg.util.InputError("--label " + label + " is not on the grid of --image " + image);
        }
        PreprocessSettings pre = PreprocessSettings.from(c);
        RoiSettings rs = RoiSettings.from(c);
        // no labels: the kidney localizer saved with the checkpoint when there is one, else the whole volume
        String sourceName = truth != null ? "labels"
            : Localizer.existsIn(checkpointDir) ? "localizer" : "whole-volume";
        RoiSource source = switch (sourceName) {
            case "labels" -> new LabelRoiSource(rs);
            case "localizer" -> LocalizerRoiSource.forCheckpoint(checkpointDir, rs, System.err);
            default -> wholeVolume();
        };
        String caseId = image.getFileName().toString().replaceAll("\\.nii(\\.gz)?$", "");
        long t0 = System.nanoTime();
        PreparedCase pc = new CasePreprocessor(pre, rs, source).prepare(caseId, img, truth);
        SlidingWindowInferer inf = new SlidingWindowInferer(ck.network(), ck.spec().input(), ck.spec().classes(),
            InferSettings.from(c));
        float pad = pre.window().scale(rs.padHu());
        List<byte[]> results = new ArrayList<>();
        for (KidneyRoi r : pc.rois()) {
            results.add(inf.segment(r, ck.normalizationMean(), pad));
        }
        LabelVolume pred = pc.pasteToSource(results);
        NiftiWriter.write(out, pred);
        long[] counts = new long[3];
        for (byte b : pred.labels()) {
            counts[Math.min(2, b & 0xff)]++;
        }
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("image", image.toString());
        row.put("out", out.toString());
        row.put("rois", pc.rois().size());
        row.put("roi_source", sourceName);
        row.put("kidney_voxels", counts[1]);
        row.put("tumor_voxels", counts[2]);
        row.put("seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
        System.out.println(json.writeValueAsString(row));
        if (truth != null) {
            for (RegionMetrics m : SegmentationMetrics.evaluate(truth, pred, MetricSettings.from(c))) {
                System.out.println(json.writeValueAsString(m));
            }
        }
        return 0;
    }

    /** One region covering the whole canonical volume (no kidney localizer yet). */
    static RoiSource wholeVolume() {
        return (caseId, image, labels) -> {
            var g = image.geometry();
            return List.of(new RoiPlacement(KidneySide.LEFT, new RoiBox(0, 0, 0, g.nx(), g.ny(), g.nz())));
        };
    }
}
