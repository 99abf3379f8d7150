package renalseg.localization;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import renalseg.metrics.RoiRecall;
import renalseg.roi.RoiSettings;
import renalseg.synth.Phantom;
import renalseg.synth.PhantomGenerator;
import renalseg.synth.PhantomSize;

/**
 * Measures a localizer on synthetic phantoms it was not trained on: per case the ROI recall (fraction of
 * the true kidney-or-tumor voxels inside the union of the ROIs; target >= 0.995), kidneys found vs drawn,
 * the ROIs' share of the scan (a recall of 1 from ROIs that cover everything would be worthless) and the
 * time per scan (coarse resampling, network, components).
 */
public final class LocalizerBenchmark {

    private LocalizerBenchmark() {
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
            row.put("recall", RoiRecall.recall(p.labels(), l.placements()));
            row.put("kidneys_drawn", p.kidneys());
            row.put("kidneys_found", l.placements().size());
            row.put("roi_fraction_of_scan", RoiRecall.coverage(p.labels(), l.placements()));
            row.put("dropped_components", l.droppedComponents());
            row.put("seconds", l.seconds());
            rows.add(row);
        }
        return rows;
    }
}
