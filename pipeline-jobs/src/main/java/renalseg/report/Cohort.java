package renalseg.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import renalseg.metrics.CohortSummary;
import renalseg.metrics.DetectionStatistics;
import renalseg.metrics.RegionMetrics;
import renalseg.metrics.SummaryStatistics;
import renalseg.tables.MetricRow;
import renalseg.tables.SummaryRow;

/**
 * The metrics table regrouped for the report: one {@link Patient} per case, the cohort statistics per
 * region and metric (from the summary table when it has them, else {@link CohortSummary} over the metrics:
 * the same definitions either way), tumor detection counts, and the best, median and worst cases by tumor
 * Dice.
 */
final class Cohort {

    static final String KIDNEY = "kidney";
    static final String TUMOR = "tumor";
    static final String BOTH = "kidney_and_tumor";
    static final List<String> REGIONS = List.of(KIDNEY, TUMOR, BOTH);

    /** A metric the summary shows: its name in the summary table, label, decimals. */
    record MetricDef(String column, String label, int decimals) {
    }

    static final List<MetricDef> SUMMARY_METRICS = List.of(
        new MetricDef("dice", "Dice", 3),
        new MetricDef("assd_mm", "ASSD (mm)", 2),
        new MetricDef("assd_vox", "ASSD (voxels)", 2),
        new MetricDef("hd95_mm", "HD95 (mm)", 2),
        new MetricDef("surface_dice", "Surface Dice", 3));

    /** Shown under the tumor's Dice: the variant that counts tumor-free cases (docs/metrics.md). */
    static final MetricDef TUMOR_DICE_ALL_CASES = new MetricDef(CohortSummary.DICE_ALL_CASES,
        "Dice, all cases (tumor-free case without predicted tumor = 1.0)", 3);

    /** A case's metrics by region. */
    record Patient(String caseId, Map<String, RegionMetrics> regions) {

        Optional<RegionMetrics> region(String name) {
            return Optional.ofNullable(regions.get(name));
        }

        /** TP, FN, FP or TN for the tumor (docs/metrics.md), empty when the case has no tumor row. */
        Optional<String> detection() {
            return region(TUMOR).map(r -> r.truthMl() > 0
                ? (Boolean.TRUE.equals(r.detected()) ? "TP" : "FN")
                : (Boolean.TRUE.equals(r.falsePositive()) ? "FP" : "TN"));
        }
    }

    /** A statistic line of the summary: where it came from is kept for the report's footnote. */
    record Line(String region, MetricDef metric, SummaryStatistics stats, boolean fromSummaryTable) {
    }

    /** Detection counts over cases with a tumor row; sensitivity/specificity from the summary when present. */
    record Detection(int tp, int fn, int fp, int tn, double sensitivity, double specificity) {
    }

    final List<Patient> patients;
    private final List<SummaryRow> summary;
    private final List<RegionMetrics> rows;

    Cohort(List<MetricRow> metrics, List<SummaryRow> summary) {
        Map<String, Map<String, RegionMetrics>> byCase = new TreeMap<>();
        for (MetricRow r : metrics) {
            byCase.computeIfAbsent(r.caseId(), k -> new LinkedHashMap<>()).put(r.metrics().region(), r.metrics());
        }
        this.rows = metrics.stream().map(MetricRow::metrics).toList();
        List<Patient> p = new ArrayList<>();
        byCase.forEach((id, regions) -> p.add(new Patient(id, Map.copyOf(regions))));
        this.patients = List.copyOf(p);
        this.summary = summary;
    }

    static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }

    /** Values of one metric of one region over the patients that have the region. */
    double[] values(String region, ToDoubleFunction<RegionMetrics> f) {
        return patients.stream().flatMap(p -> p.region(region).stream()).mapToDouble(f).toArray();
    }

    List<Line> lines() {
        List<CohortSummary.Line> computed = CohortSummary.of(rows);
        List<Line> out = new ArrayList<>();
        for (String region : REGIONS) {
            for (MetricDef m : SUMMARY_METRICS) {
                out.add(line(region, m, computed));
                if (region.equals(TUMOR) && m.column().equals("dice")) {
                    out.add(line(region, TUMOR_DICE_ALL_CASES, computed));
                }
            }
        }
        return out;
    }

    private Line line(String region, MetricDef m, List<CohortSummary.Line> computed) {
        Optional<SummaryRow> row = summary.stream()
            .filter(s -> s.region().equals(region) && s.metric().equals(m.column())).findFirst();
        boolean stale = region.equals(TUMOR) && (m.column().equals("dice") || m.column().equals("surface_dice"))
            && olderTumorRule();
        if (row.isPresent() && !stale) {
            return new Line(region, m, row.get().stats(), true);
        }
        SummaryStatistics s = computed.stream().filter(l -> l.region().equals(region) && l.metric().equals(m.column()))
            .map(CohortSummary.Line::stats).findFirst().orElse(SummaryStatistics.of());
        return new Line(region, m, s, false);
    }

    /**
     * A summary written before tumor Dice was taken over the cases with a reference tumor has no
     * {@code dice_all_cases} row; its tumor Dice counted tumor-free cases, so the report computes that one anew.
     */
    private boolean olderTumorRule() {
        return summary.stream().anyMatch(s -> s.region().equals(TUMOR) && s.metric().equals("dice"))
            && summary.stream().noneMatch(s -> s.metric().equals(CohortSummary.DICE_ALL_CASES));
    }

    Detection detection() {
        DetectionStatistics d = DetectionStatistics.of(rows);
        int fn = d.positives() - d.detected();
        int tn = d.negatives() - d.falsePositives();
        double sens = summaryValue(CohortSummary.DETECTION_SENSITIVITY).orElse(orNaN(d.sensitivity()));
        double spec = summaryValue(CohortSummary.DETECTION_SPECIFICITY).orElse(orNaN(d.specificity()));
        return new Detection(d.detected(), fn, d.falsePositives(), tn, sens, spec);
    }

    private Optional<Double> summaryValue(String metric) {
        return summary.stream().filter(s -> s.metric().equals(metric) && s.mean() != null).map(SummaryRow::mean)
            .findFirst();
    }

    /**
     * Best, median and worst case by tumor Dice among cases with a true tumor (ties by case id); fewer
     * when the cohort has fewer such cases. Median: the middle case, the lower-ranked one for even counts.
     */
    List<Map.Entry<String, Patient>> examples() {
        List<Patient> withTumor = new ArrayList<>(patients.stream()
            .filter(p -> p.region(TUMOR).map(r -> r.truthMl() > 0 && Double.isFinite(r.dice())).orElse(false))
            .toList());
        withTumor.sort(Comparator.comparingDouble((Patient p) -> -p.regions().get(TUMOR).dice())
            .thenComparing(Patient::caseId));
        Map<String, Patient> picked = new LinkedHashMap<>();
        if (!withTumor.isEmpty()) {
            int n = withTumor.size();
            putIfNew(picked, "Best", withTumor.get(0));
            putIfNew(picked, "Median", withTumor.get(n / 2));
            putIfNew(picked, "Worst", withTumor.get(n - 1));
        }
        return new ArrayList<>(picked.entrySet());
    }

    private static void putIfNew(Map<String, Patient> m, String label, Patient p) {
        if (m.values().stream().noneMatch(q -> q.caseId().equals(p.caseId()))) {
            m.put(label, p);
        }
    }

    /** Reference and predicted volumes (ml) of a region over the cases that have it. */
    Charts.Pairs volumes(String region, String label, boolean onlyWhereEitherPositive) {
        List<double[]> pairs = new ArrayList<>();
        for (Patient p : patients) {
            p.region(region).ifPresent(r -> {
                if (!onlyWhereEitherPositive || r.truthMl() > 0 || r.predMl() > 0) {
                    pairs.add(new double[] {r.truthMl(), r.predMl()});
                }
            });
        }
        return new Charts.Pairs(label, pairs.stream().mapToDouble(a -> a[0]).toArray(),
            pairs.stream().mapToDouble(a -> a[1]).toArray());
    }
}
