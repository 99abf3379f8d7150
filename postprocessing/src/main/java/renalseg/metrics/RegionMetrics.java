package renalseg.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics of one region of one case (METRICS.md). Distances ({@code assdMm}, {@code assdVox},
 * {@code hd95Mm}, {@code hausdorffMm}) are null when the prediction or the truth is empty, and
 * {@code nullReason} then says which ("prediction empty", "truth empty", "both empty"); otherwise it is null.
 * {@code detected} and {@code falsePositive} are set on the tumor row only: {@code detected} is null when the
 * case has no true tumor (nothing to detect), {@code falsePositive} is true when a tumor is predicted and
 * none is true.
 */
public record RegionMetrics(String region, double dice, Double assdMm, Double assdVox, Double hd95Mm,
                            Double hausdorffMm, double surfaceDice, double predMl, double truthMl,
                            String nullReason, Boolean detected, Boolean falsePositive) {

    /**
     * The row as the {@code metrics} table and the {@code evaluate} command name its columns (snake_case,
     * without case_id), in table order. A value that is not finite is null: JSON has no NaN (Jackson would
     * write the string "NaN") and in Parquet a NaN would poison every mean a reader takes.
     */
    public Map<String, Object> toRow() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("region", region);
        m.put("dice", finite(dice));
        m.put("assd_mm", finite(assdMm));
        m.put("assd_vox", finite(assdVox));
        m.put("hd95_mm", finite(hd95Mm));
        m.put("hausdorff_mm", finite(hausdorffMm));
        m.put("surface_dice", finite(surfaceDice));
        m.put("pred_ml", finite(predMl));
        m.put("truth_ml", finite(truthMl));
        m.put("null_reason", nullReason);
        m.put("detected", detected);
        m.put("false_positive", falsePositive);
        return m;
    }

    /** The value, or null when it is null, NaN or infinite. */
    public static Double finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }
}
