package renalseg.localization;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import renalseg.roi.RoiBox;
import renalseg.roi.RoiPlacement;
import renalseg.roi.RoiSettings;
import renalseg.synth.Phantom;
import renalseg.synth.PhantomGenerator;
import renalseg.synth.PhantomSize;
import renalseg.volume.LabelVolume;

/**
 * Measures a localizer on synthetic phantoms it was not trained on: per case the ROI recall (fraction of
 * the true kidney-or-tumor voxels inside the union of the ROIs; target >= 0.995), kidneys found vs drawn,
 * the ROIs' share of the scan (a recall of 1 from ROIs that cover everything would be worthless) and the
 * time per scan (coarse resampling, network, components).
 */
public final class LocalizerBenchmark {

    private LocalizerBenchmark() {
    }

    /** Fraction of the kidney-or-tumor voxels of a canonical label map inside any of the boxes (1 if none). */
    public static double recall(LabelVolume canonicalLabels, List<RoiPlacement> places) {
        var g = canonicalLabels.geometry();
        byte[] l = canonicalLabels.labels();
        long total = 0;
        long inside = 0;
        for (int z = 0, i = 0; z < g.nz(); z++) {
            for (int y = 0; y < g.ny(); y++) {
                for (int x = 0; x < g.nx(); x++, i++) {
                    if (l[i] == 0) {
                        continue;
                    }
                    total++;
                    for (RoiPlacement p : places) {
                        RoiBox b = p.box();
                        if (x >= b.x0() && x < b.x0() + b.nx() && y >= b.y0() && y < b.y0() + b.ny()
                            && z >= b.z0() && z < b.z0() + b.nz()) {
                            inside++;
                            break;
                        }
                    }
                }
            }
        }
        return total == 0 ? 1.0 : (double) inside / total;
    }

    /** Fraction of the scan's voxels inside the union of the boxes. */
    public static double coverage(LabelVolume canonicalLabels, List<RoiPlacement> places) {
        var g = canonicalLabels.geometry();
        long in = 0;
        for (int z = 0; z < g.nz(); z++) {
            for (int y = 0; y < g.ny(); y++) {
                for (int x = 0; x < g.nx(); x++) {
                    for (RoiPlacement p : places) {
                        RoiBox b = p.box();
                        if (x >= b.x0() && x < b.x0() + b.nx() && y >= b.y0() && y < b.y0() + b.ny()
                            && z >= b.z0() && z < b.z0() + b.nz()) {
                            in++;
                            break;
                        }
                    }
                }
            }
        }
        return (double) in / g.voxelCount();
    }

    /** One row per phantom {@code first .. first + cases - 1} of ({@code seed}, {@code size}). */
    public static List<Map<String, Object>> run(Localizer localizer, RoiSettings roi, long seed, PhantomSize size,
                                                int first, int cases) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = first; i < first + cases; i++) {
            Phantom p = PhantomGenerator.generate(seed, i, size);
            Localization l = localizer.localize(p.caseId(), p.image(), roi);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("case_id", p.caseId());
            row.put("size", size.name().toLowerCase(java.util.Locale.ROOT));
            row.put("shape", p.image().geometry().shape());
            row.put("recall", recall(p.labels(), l.placements()));
            row.put("kidneys_drawn", p.kidneys());
            row.put("kidneys_found", l.placements().size());
            row.put("roi_fraction_of_scan", coverage(p.labels(), l.placements()));
            row.put("dropped_components", l.droppedComponents());
            row.put("seconds", l.seconds());
            rows.add(row);
        }
        return rows;
    }
}
