package renalseg.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cohort statistics of per-case metrics (docs/metrics.md, "Cohort summary"): per region and numeric
 * metric column the {@link SummaryStatistics} over the non-null values, and tumor detection sensitivity
 * and specificity ({@link DetectionStatistics}).
 *
 * <p>Tumor Dice and tumor surface Dice are taken over the cases that have a reference tumor, as the seed
 * paper and the KiTS challenge report them: a tumor-free case has no tumor to segment, and counting its
 * empty-vs-empty 1.0 would let a network that never finds a tumor look good. The variant over every case
 * (tumor-free without predicted tumor = 1.0, with one = 0.0) is the line {@link #DICE_ALL_CASES}.
 */
public final class CohortSummary {

    public static final String DETECTION_SENSITIVITY = "detection_sensitivity";
    public static final String DETECTION_SPECIFICITY = "detection_specificity";
    /** Tumor Dice over every case, tumor-free ones included. */
    public static final String DICE_ALL_CASES = "dice_all_cases";

    /** One statistic line: region, metric (a metrics column or one of the names above), its statistics. */
    public record Line(String region, String metric, SummaryStatistics stats) {
    }

    private CohortSummary() {
    }

    /** The numeric metric columns, in table order (dice, assd_mm, ...). */
    public static List<String> metrics() {
        return RegionMetrics.COLUMNS.stream().filter(RegionMetrics.Column::numeric).map(RegionMetrics.Column::name)
            .toList();
    }

    /** Whether a tumor metric of this column is taken over the cases with a reference tumor only. */
    static boolean referenceTumorOnly(String region, String metric) {
        return Region.TUMOR.id().equals(region) && (metric.equals("dice") || metric.equals("surface_dice"));
    }

    /** Every line, regions in order of first appearance, then the tumor-Dice variant and detection. */
    public static List<Line> of(List<RegionMetrics> rows) {
        Map<String, List<RegionMetrics>> byRegion = new LinkedHashMap<>();
        for (RegionMetrics m : rows) {
            byRegion.computeIfAbsent(m.region(), k -> new ArrayList<>()).add(m);
        }
        List<Line> out = new ArrayList<>();
        for (Map.Entry<String, List<RegionMetrics>> e : byRegion.entrySet()) {
            for (String metric : metrics()) {
                out.add(line(e.getKey(), metric, e.getValue()));
            }
        }
        List<RegionMetrics> tumor = byRegion.getOrDefault(Region.TUMOR.id(), List.of());
        if (!tumor.isEmpty()) {
            out.add(new Line(Region.TUMOR.id(), DICE_ALL_CASES,
                SummaryStatistics.of(tumor.stream().mapToDouble(RegionMetrics::dice).toArray())));
        }
        DetectionStatistics d = DetectionStatistics.of(rows);
        out.add(new Line(Region.TUMOR.id(), DETECTION_SENSITIVITY, SummaryStatistics.rate(d.positives(), d.sensitivity())));
        out.add(new Line(Region.TUMOR.id(), DETECTION_SPECIFICITY, SummaryStatistics.rate(d.negatives(), d.specificity())));
        return out;
    }

    /** One metric of one region over its rows, under the reference-tumor rule. */
    public static Line line(String region, String metric, List<RegionMetrics> regionRows) {
        List<Number> v = new ArrayList<>();
        for (RegionMetrics m : regionRows) {
            if (!referenceTumorOnly(region, metric) || m.truthMl() > 0) {
                v.add((Number) m.get(metric));
            }
        }
        return new Line(region, metric, SummaryStatistics.of(v));
    }
}
