package renalseg.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The metrics table regrouped for the report: one {@link Patient} per case, the cohort statistics per
 * region and metric (from the summary table when it has them, else computed here from the metrics), tumor
 * detection counts, and the best, median and worst cases by tumor Dice.
 */
final class Cohort {

    static final String KIDNEY = "kidney";
    static final String TUMOR = "tumor";
    static final String BOTH = "kidney_and_tumor";
    static final List<String> REGIONS = List.of(KIDNEY, TUMOR, BOTH);

    /** The metrics the summary shows, in order: column name in the tables, label, decimals. */
    record MetricDef(String column, String label, int decimals, ToDoubleFunction<MetricRow> value) {
    }

    static final List<MetricDef> SUMMARY_METRICS = List.of(
        new MetricDef("dice", "Dice", 3, MetricRow::dice),
        new MetricDef("assd_mm", "ASSD (mm)", 2, r -> orNaN(r.assdMm())),
        new MetricDef("assd_vox", "ASSD (voxels)", 2, r -> orNaN(r.assdVox())),
        new MetricDef("hd95_mm", "HD95 (mm)", 2, r -> orNaN(r.hd95Mm())),
        new MetricDef("surface_dice", "Surface Dice", 3, MetricRow::surfaceDice));

    /** A case's metric rows by region. */
    record Patient(String caseId, Map<String, MetricRow> regions) {

        Optional<MetricRow> region(String name) {
            return Optional.ofNullable(regions.get(name));
        }

        /** TP, FN, FP or TN for the tumor (METRICS.md), empty when the case has no tumor row. */
        Optional<String> detection() {
            return region(TUMOR).map(r -> r.truthMl() > 0
                ? (Boolean.TRUE.equals(r.detected()) ? "TP" : "FN")
                : (Boolean.TRUE.equals(r.falsePositive()) ? "FP" : "TN"));
        }
    }

    /** A statistic line of the summary: where it came from is kept for the report's footnote. */
    record Line(String region, MetricDef metric, Stats stats, boolean fromSummaryTable) {
    }

    /** Detection counts over cases with a tumor row; sensitivity/specificity from the summary when present. */
    record Detection(int tp, int fn, int fp, int tn, double sensitivity, double specificity) {
    }

    final List<Patient> patients;
    private final List<SummaryRow> summary;

    Cohort(List<MetricRow> metrics, List<SummaryRow> summary) {
        Map<String, Map<String, MetricRow>> byCase = new TreeMap<>();
        for (MetricRow r : metrics) {
            byCase.computeIfAbsent(r.caseId(), k -> new LinkedHashMap<>()).put(r.region(), r);
        }
        List<Patient> p = new ArrayList<>();
        byCase.forEach((id, regions) -> p.add(new Patient(id, Map.copyOf(regions))));
        this.patients = List.copyOf(p);
        this.summary = summary;
    }

    static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }

    /** Values of one metric of one region over the patients that have the region. */
    double[] values(String region, ToDoubleFunction<MetricRow> f) {
        return patients.stream().flatMap(p -> p.region(region).stream()).mapToDouble(f).toArray();
    }

    List<Line> lines() {
        List<Line> out = new ArrayList<>();
        for (String region : REGIONS) {
            for (MetricDef m : SUMMARY_METRICS) {
                Optional<SummaryRow> row = summary.stream()
                    .filter(s -> s.region().equals(region) && s.metric().equals(m.column())).findFirst();
                if (row.isPresent()) {
                    SummaryRow s = row.get();
                    out.add(new Line(region, m, new Stats((int) s.n(), orNaN(s.mean()), orNaN(s.sd()),
                        orNaN(s.median()), orNaN(s.min()), orNaN(s.max())), true));
                } else {
                    out.add(new Line(region, m, Stats.of(values(region, m.value())), false));
                }
            }
        }
        return out;
    }

    Detection detection() {
        int tp = 0;
        int fn = 0;
        int fp = 0;
        int tn = 0;
        for (Patient p : patients) {
            String d = p.detection().orElse("");
            switch (d) {
                case "TP" -> tp++;
                case "FN" -> fn++;
                case "FP" -> fp++;
                case "TN" -> tn++;
                default -> { }
            }
        }
        double sens = summaryValue("detection_sensitivity").orElse(tp + fn == 0 ? Double.NaN : tp / (double) (tp + fn));
        double spec = summaryValue("detection_specificity").orElse(fp + tn == 0 ? Double.NaN : tn / (double) (fp + tn));
        return new Detection(tp, fn, fp, tn, sens, spec);
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
