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
import renalseg.cohort.KitsLabels;
import renalseg.io.NiftiHeader;
import renalseg.io.NiftiReader;
import renalseg.postprocessing.LabelFileWriter;
import renalseg.postprocessing.components.ComponentSettings;
import renalseg.postprocessing.components.Connectivity;
import renalseg.postprocessing.components.LargestComponents;
import renalseg.postprocessing.crf.CrfRefiner;
import renalseg.postprocessing.crf.CrfSettings;
import renalseg.util.InputError;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * Post-processes a segmentation: optionally the 3D dense CRF on the network's probabilities, then keeps the
 * N largest kidney-or-tumor components. Writes the result with the input's datatype and affine and prints
 * one JSON line describing what changed.
 */
@Command(name = "postprocess", mixinStandardHelpOptions = true,
    description = {"Post-process a segmentation: [3D dense CRF on probabilities], then keep the N largest",
        "kidney-or-tumor connected components (kept voxels keep their label). The output has the input's",
        "datatype and affine. With --crf the labels come from the CRF on --probabilities and --image (the",
        "input then gives grid and datatype). Prints one JSON line."})
public final class PostprocessCommand implements Callable<Integer> {

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Label map to post-process (NIfTI).")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output label map (.nii or .nii.gz).")
    Path out;

    @Option(names = "--keep", paramLabel = "N",
        description = "Components to keep (default: postprocess.keep-components, 2); 0 keeps all.")
    Integer keep;

    @Option(names = "--connectivity", paramLabel = "6|18|26",
        description = "Neighbourhood of a component (default: postprocess.connectivity, 18 = face or edge).")
    Integer connectivity;

    @Option(names = "--crf", description = "Refine with the 3D dense CRF (settings: postprocess.crf).")
    boolean crf;

    @Option(names = "--probabilities", paramLabel = "FILE",
        description = "With --crf: class probability maps on the input's grid, one 3-D file per class, in class "
            + "order: background, kidney, tumor; or kidney and tumor only (background = 1 - their sum).")
    List<Path> probabilities = new ArrayList<>();

    @Option(names = "--image", paramLabel = "FILE", description = "With --crf: the CT (HU) on the input's grid.")
    Path image;


    @CommandLine.Mixin
    ConfigOptions configOptions = new ConfigOptions();

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Probabilities may exceed [0, 1] by float rounding of the tool that wrote them, not more. */
    private static final double PROBABILITY_SLACK = 1e-3;

    @Override
    public Integer call() throws Exception {
        Config config = configOptions.load();
        Connectivity conn;
        int n;
        try {
            ComponentSettings defaults = ComponentSettings.from(config);
            conn = connectivity != null ? Connectivity.of(connectivity) : defaults.connectivity();
            n = keep != null ? keep : defaults.keep();
        } catch (IllegalArgumentException e) {
            throw new InputError(e.getMessage());
        }
        if (n < 0) {
            throw new InputError("--keep must be 0 (keep all) or more, got " + n);
        }
        if (!crf && (image != null || !probabilities.isEmpty())) {
            throw new InputError("--probabilities and --image are only used with --crf");
        }
        NiftiReader reader = new NiftiReader(config.getLong("cohort.max-voxels"));
        NiftiHeader header = reader.header(in);
        LabelVolume input = KitsLabels.toKits19(reader.labels(in), config.getBoolean("cohort.kits21-cyst-as-kidney"),
            in.toString());
        Geometry g = input.geometry();
        double tolerance = config.getDouble("cohort.affine-tolerance-mm");
        byte[] labels = input.labels();
        long t0 = System.nanoTime();
        if (crf) {
            labels = crfLabels(reader, g, tolerance, CrfSettings.from(config));
            System.err.printf("postprocess: CRF %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
        LabelVolume result = new LabelVolume(g, labels);
        if (n > 0) {
            result = LargestComponents.keep(result, n, conn);
        }
        LabelFileWriter.write(out, result, header.datatype());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("in", in.toString());
        row.put("out", out.toString());
        row.put("datatype", header.datatype().label);
        row.put("crf", crf);
        row.put("keep", n);
        row.put("connectivity", conn.neighbours());
        row.put("voxels_changed", changed(input.labels(), result.labels()));
        row.put("kidney_ml", count(result.labels(), LabelVolume.KIDNEY) * g.voxelMl());
        row.put("tumor_ml", count(result.labels(), LabelVolume.TUMOR) * g.voxelMl());
        System.out.println(JSON.writeValueAsString(row));
        System.out.flush();
        return 0;
    }

    private byte[] crfLabels(NiftiReader reader, Geometry g, double tolerance, CrfSettings settings) {
        if (image == null || probabilities.isEmpty()) {
            throw new InputError("--crf needs --image and --probabilities");
        }
        if (probabilities.size() != 2 && probabilities.size() != 3) {
            throw new InputError("--probabilities takes 3 files (background, kidney, tumor) or 2 (kidney, tumor), got "
                + probabilities.size());
        }
        int v = Math.toIntExact(g.voxelCount());
        ImageVolume ct = onGrid(reader, image, g, tolerance);
        float[] p = new float[3 * v];
        int first = probabilities.size() == 3 ? 0 : 1;
        for (int i = 0; i < probabilities.size(); i++) {
            Path f = probabilities.get(i);
            float[] q = onGrid(reader, f, g, tolerance).voxels();
            for (int j = 0; j < v; j++) {
                if (!(q[j] >= -PROBABILITY_SLACK && q[j] <= 1 + PROBABILITY_SLACK)) {
                    throw new InputError(f + ": not a probability map: value " + q[j] + " at voxel " + j);
                }
            }
            System.arraycopy(q, 0, p, (first + i) * v, v);
        }
        if (first == 1) {
            for (int j = 0; j < v; j++) {
                p[j] = Math.max(0f, 1f - p[v + j] - p[2 * v + j]);
            }
        }
        return CrfRefiner.refine(p, ct.voxels(), 3, g.nx(), g.ny(), g.nz(), g.spacing(), settings,
            Runtime.getRuntime().availableProcessors());
    }

    private ImageVolume onGrid(NiftiReader reader, Path f, Geometry g, double tolerance) {
        ImageVolume vol = reader.image(f).volume();
        Geometry h = vol.geometry();
        if (!h.sameShape(g)) {
            throw new InputError(f + ": shape " + h.nx() + "x" + h.ny() + "x" + h.nz() + " differs from " + in + " ("
                + g.nx() + "x" + g.ny() + "x" + g.nz() + ")");
        }
        if (!h.sameGrid(g, tolerance)) {
            throw new InputError(f + ": affine differs from " + in + "'s (tolerance " + tolerance + " mm)");
        }
        return vol;
    }

    private static long changed(byte[] a, byte[] b) {
        long c = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                c++;
            }
        }
        return c;
    }

    private static long count(byte[] a, byte label) {
        long c = 0;
        for (byte x : a) {
            if (x == label) {
                c++;
            }
        }
        return c;
    }
}
