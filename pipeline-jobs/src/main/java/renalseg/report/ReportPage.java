package renalseg.report;

import static renalseg.report.Html.duration;
import static renalseg.report.Html.esc;
import static renalseg.report.Html.hex;
import static renalseg.report.Html.num;
import static renalseg.report.Html.pct;
import static renalseg.report.Html.raw;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import renalseg.metrics.RegionMetrics;
import renalseg.metrics.SummaryStatistics;
import renalseg.tables.FailureRow;
import renalseg.tables.LocalizationRow;
import renalseg.tables.StageRow;
import renalseg.training.HistoryRow;

/**
 * The report's HTML: one self-contained page (inline CSS and scripts, images beside it by relative name)
 * that any browser shows offline.
 */
final class ReportPage {


    /** The seed paper's reported results, for orientation only (different data, different protocol). */
    static final Map<String, Double> PAPER_DICE = Map.of(Cohort.KIDNEY, 0.931, Cohort.TUMOR, 0.802);
    /** The paper's mean surface distances in pixels (its kidney and tumor values, in that order). */
    static final Map<String, Double> PAPER_ASSD_VOX = Map.of(Cohort.KIDNEY, 4.24, Cohort.TUMOR, 2.65);


    /** A figure of one example case: image file name, or why there is none. */
    record Example(String label, Cohort.Patient patient, String image, String error) {
    }

    /** A chart file and its caption. */
    record Figure(String image, String alt, String caption) {
    }

    private final StringBuilder h = new StringBuilder(64 * 1024);

    static String render(StudyData data, Cohort cohort, List<Figure> charts, List<Figure> training,
                         List<Example> examples, ReportSettings settings, ZonedDateTime generated) {
        return new ReportPage().page(data, cohort, charts, training, examples, settings, generated);
    }

    private String page(StudyData data, Cohort cohort, List<Figure> charts, List<Figure> training,
                        List<Example> examples, ReportSettings settings, ZonedDateTime generated) {
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .append("<title>renalseg study report: ").append(esc(data.runName())).append("</title>\n<style>\n")
            .append(ReportAssets.CSS).append("</style>\n</head>\n<body>\n");
        header(data, cohort, generated);
        h.append("<main>\n");
        summary(cohort);
        h.append("<section id=\"plots\"><h2>Distributions and agreement</h2>\n<div class=\"grid\">\n");
        charts.forEach(this::figure);
        h.append("</div>\n</section>\n");
        examples(examples, settings);
        patients(cohort);
        h.append("<section id=\"training\"><h2>Training</h2>\n");
        if (data.history().isEmpty()) {
            h.append("<p class=\"muted\">The run has no training history (the train stage did not run here).</p>\n");
        } else {
            h.append("<p class=\"muted\">").append(data.history().size()).append(" logged iterations, ")
                .append(data.history().stream().mapToLong(HistoryRow::round).distinct().count())
                .append(" parameter-averaging round(s).</p>\n");
        }
        h.append("<div class=\"grid\">\n");
        training.forEach(this::figure);
        h.append("</div>\n</section>\n");
        localizations(data);
        stages(data);
        failures(data);
        config(data);
        h.append("</main>\n<footer>renalseg study report, generated ")
            .append(esc(generated.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)))
            .append(". Metrics as defined in docs/metrics.md of renalseg (Dice; mean symmetric surface distance ASSD; ")
            .append("HD95; surface Dice at the configured tolerance).</footer>\n");
        h.append("<script>\n").append(ReportAssets.SCRIPT).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private void header(StudyData data, Cohort cohort, ZonedDateTime generated) {
        long failedCases = data.failures().stream().map(FailureRow::caseId).distinct().count();
        h.append("<header>\n<div class=\"wrap\">\n<h1>Kidney and kidney tumor segmentation: study report</h1>\n")
            .append("<div class=\"meta\">Run <b>").append(esc(data.runName())).append("</b> &middot; ")
            .append(cohort.patients.size()).append(" evaluated case(s) &middot; ")
            .append(failedCases).append(" case(s) with failures &middot; generated ")
            .append(esc(generated.withZoneSameInstant(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))))
            .append("</div>\n<nav><a href=\"#summary\">Summary</a><a href=\"#plots\">Plots</a>")
            .append("<a href=\"#examples\">Example cases</a><a href=\"#patients\">Per patient</a>")
            .append("<a href=\"#training\">Training</a><a href=\"#stages\">Stages</a>")
            .append("<a href=\"#failures\">Failures</a><a href=\"#config\">Configuration</a></nav>\n</div>\n</header>\n");
    }

    private void summary(Cohort cohort) {
        h.append("<section id=\"summary\"><h2>Cohort summary</h2>\n");
        Cohort.Detection d = cohort.detection();
        h.append("<div class=\"cards\">\n");
        card("Patients evaluated", Integer.toString(cohort.patients.size()), "");
        card("Kidney Dice (mean)", num(diceLine(cohort, Cohort.KIDNEY).stats().mean(), 3), "seed paper 0.931");
        // KiTS and the seed paper: over the cases with a reference tumor (the all-cases variant is in the table)
        Cohort.Line tumorDice = diceLine(cohort, Cohort.TUMOR);
        card("Tumor Dice (mean)", num(tumorDice.stats().mean(), 3), "over " + tumorDice.stats().n()
            + " case(s) with a reference tumor; seed paper 0.802");
        card("Tumor detection sensitivity", pct(d.sensitivity()),
            d.tp() + " of " + (d.tp() + d.fn()) + " tumors detected");
        card("Tumor detection specificity", pct(d.specificity()),
            d.tn() + " of " + (d.tn() + d.fp()) + " tumor-free cases without false positive");
        h.append("</div>\n");
        h.append("<table class=\"data summary\">\n<thead><tr><th>Region</th><th>Metric</th><th>n</th><th>Mean</th>")
            .append("<th>SD</th><th>Median</th><th>Range</th><th>Seed paper</th></tr></thead>\n<tbody>\n");
        String last = "";
        boolean computed = false;
        for (Cohort.Line l : cohort.lines()) {
            Cohort.MetricDef m = l.metric();
            int dp = m.decimals();
            SummaryStatistics s = l.stats();
            String paper = "";
            if (m.column().equals("dice") && PAPER_DICE.containsKey(l.region())) {
                paper = num(PAPER_DICE.get(l.region()), 3);
            } else if (m.column().equals("assd_vox") && PAPER_ASSD_VOX.containsKey(l.region())) {
                paper = num(PAPER_ASSD_VOX.get(l.region()), 2);
            }
            computed |= !l.fromSummaryTable();
            boolean first = !l.region().equals(last);
            h.append(first ? "<tr class=\"group\">" : "<tr>")
                .append("<td>").append(first ? esc(regionLabel(l.region())) : "").append("</td>")
                .append("<td>").append(esc(m.label())).append(l.fromSummaryTable() ? "" : "<sup>*</sup>").append("</td>")
                .append("<td class=\"n\">").append(s.n()).append("</td>")
                .append("<td class=\"n\"><b>").append(num(s.mean(), dp)).append("</b></td>")
                .append("<td class=\"n\">").append(num(s.sd(), dp)).append("</td>")
                .append("<td class=\"n\">").append(num(s.median(), dp)).append("</td>")
                .append("<td class=\"n\">").append(s.n() == 0 ? "&ndash;" : num(s.min(), dp) + " &ndash; " + num(s.max(), dp))
                .append("</td><td class=\"n paper\">").append(paper).append("</td></tr>\n");
            last = l.region();
        }
        h.append("</tbody>\n</table>\n<p class=\"note\">Distances are over the cases where both masks are non-empty; ")
            .append("tumor Dice and surface Dice over the cases with a reference tumor, as KiTS and the seed paper ")
            .append("report them. ")
            .append("Seed-paper values (kidney Dice 0.931, tumor Dice 0.802; mean surface distance 4.24 and 2.65 ")
            .append("pixels) are given for orientation only: they come from another cohort and protocol.");
        if (computed) {
            h.append(" <sup>*</sup> computed here from the metrics table (the summary table has no such row).");
        }
        h.append("</p>\n</section>\n");
    }

    private static Cohort.Line diceLine(Cohort c, String region) {
        return c.lines().stream().filter(l -> l.region().equals(region) && l.metric().column().equals("dice"))
            .findFirst().orElseThrow();
    }

    private void card(String title, String value, String sub) {
        h.append("<div class=\"card\"><div class=\"ct\">").append(esc(title)).append("</div><div class=\"cv\">")
            .append(value).append("</div><div class=\"cs\">").append(esc(sub)).append("</div></div>\n");
    }

    private void figure(Figure f) {
        h.append("<figure><img src=\"").append(esc(f.image())).append("\" alt=\"").append(esc(f.alt()))
            .append("\" width=\"").append(Charts.WIDTH).append("\" height=\"").append(Charts.HEIGHT)
            .append("\"><figcaption>").append(esc(f.caption())).append("</figcaption></figure>\n");
    }

    private void examples(List<Example> examples, ReportSettings s) {
        h.append("<section id=\"examples\"><h2>Example cases: best, median and worst tumor Dice</h2>\n");
        if (examples.isEmpty()) {
            h.append("<p class=\"muted\">No evaluated case has a tumor in its reference segmentation.</p>\n");
        }
        h.append("<p class=\"note\">Slices through the largest cross-section of the reference tumor, CT in a ")
            .append(String.format(Locale.ROOT, "W%.0f/L%.0f HU", s.windowWidth(), s.windowLevel()))
            .append(" window, radiological convention (patient's right on the left). <span class=\"sw\" style=\"background:")
            .append(hex(SliceOverlay.TRUTH)).append("\"></span> reference, <span class=\"sw\" style=\"background:")
            .append(hex(SliceOverlay.PREDICTION)).append("\"></span> prediction; tumor solid (the reference as a wider band), kidney dotted.</p>\n");
        for (Example e : examples) {
            Cohort.Patient p = e.patient();
            h.append("<div class=\"example\"><h3>").append(esc(e.label())).append(": ").append(esc(p.caseId()))
                .append("</h3>\n<p class=\"muted\">");
            p.region(Cohort.TUMOR).ifPresent(r -> h.append("tumor Dice <b>").append(num(r.dice(), 3))
                .append("</b>, ASSD ").append(num(Cohort.orNaN(r.assdMm()), 2)).append(" mm, volume ")
                .append(num(r.predMl(), 1)).append(" ml predicted / ").append(num(r.truthMl(), 1)).append(" ml reference"));
            p.region(Cohort.KIDNEY).ifPresent(r -> h.append("; kidney Dice ").append(num(r.dice(), 3)));
            h.append("</p>\n");
            if (e.image() != null) {
                h.append("<img class=\"overlay\" src=\"").append(esc(e.image())).append("\" alt=\"")
                    .append(esc(e.label() + " case " + p.caseId() + ": axial, coronal and sagittal slices"))
                    .append("\">\n");
            } else {
                h.append("<p class=\"warn\">Slices not shown: ").append(esc(e.error())).append("</p>\n");
            }
            h.append("</div>\n");
        }
        h.append("</section>\n");
    }

    private void patients(Cohort cohort) {
        h.append("<section id=\"patients\"><h2>Per patient</h2>\n<p class=\"note\">Click a column header to sort. ")
            .append("Detection: TP tumor found, FN tumor missed, FP tumor predicted in a tumor-free case, TN none.</p>\n")
            .append("<div class=\"scroll\"><table class=\"data sortable\" id=\"patient-table\">\n<thead><tr>")
            .append("<th data-type=\"text\">Case</th><th>Dice kidney</th><th>Dice tumor</th><th>Dice kidney+tumor</th>")
            .append("<th>Kidney ml pred.</th><th>Kidney ml ref.</th><th>Tumor ml pred.</th><th>Tumor ml ref.</th>")
            .append("<th>Tumor ASSD mm</th><th data-type=\"text\">Detection</th></tr></thead>\n<tbody>\n");
        for (Cohort.Patient p : cohort.patients) {
            Optional<RegionMetrics> k = p.region(Cohort.KIDNEY);
            Optional<RegionMetrics> t = p.region(Cohort.TUMOR);
            Optional<RegionMetrics> b = p.region(Cohort.BOTH);
            h.append("<tr><td>").append(esc(p.caseId())).append("</td>");
            diceCell(k);
            diceCell(t);
            diceCell(b);
            cell(k.map(RegionMetrics::predMl), 1);
            cell(k.map(RegionMetrics::truthMl), 1);
            cell(t.map(RegionMetrics::predMl), 1);
            cell(t.map(RegionMetrics::truthMl), 1);
            cell(t.map(RegionMetrics::assdMm), 2);
            String det = p.detection().orElse("");
            h.append("<td class=\"det ").append(det.toLowerCase(Locale.ROOT)).append("\">").append(det).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table></div>\n</section>\n");
    }

    private void diceCell(Optional<RegionMetrics> r) {
        if (r.isEmpty()) {
            h.append("<td class=\"n\"></td>");
            return;
        }
        double d = r.get().dice();
        h.append("<td class=\"n").append(d < 0.5 ? " low" : "").append("\" data-v=\"").append(raw(d)).append("\">")
            .append(num(d, 3)).append("</td>");
    }

    private void cell(Optional<Double> v, int dp) {
        if (v.isEmpty() || !Double.isFinite(v.get())) {
            h.append("<td class=\"n\">&ndash;</td>");
            return;
        }
        h.append("<td class=\"n\" data-v=\"").append(raw(v.get())).append("\">").append(num(v.get(), dp)).append("</td>");
    }

    private void stages(StudyData data) {
        h.append("<section id=\"stages\"><h2>Stages</h2>\n");
        if (data.stages().isEmpty()) {
            h.append("<p class=\"muted\">No stage timings recorded.</p>\n</section>\n");
            return;
        }
        h.append("<table class=\"data\">\n<thead><tr><th>Stage</th><th>Started (UTC)</th><th>Duration</th>")
            .append("<th>Cases ok</th><th>Cases failed</th></tr></thead>\n<tbody>\n");
        double total = 0;
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
        for (StageRow s : data.stages()) {
            total += s.seconds();
            h.append("<tr><td>").append(esc(s.stage())).append("</td><td>")
                .append(s.startedAt() == null ? "" : f.format(s.startedAt())).append("</td><td class=\"n\">")
                .append(duration(s.seconds())).append("</td><td class=\"n\">").append(s.casesOk())
                .append("</td><td class=\"n").append(s.casesFailed() > 0 ? " low" : "").append("\">")
                .append(s.casesFailed()).append("</td></tr>\n");
        }
        h.append("<tr class=\"total\"><td>total</td><td></td><td class=\"n\">").append(duration(total))
            .append("</td><td></td><td></td></tr>\n</tbody>\n</table>\n</section>\n");
    }

    /** Cases whose ROIs came from the localizer: what it found, its time, and the ROI recall. */
    private void localizations(StudyData data) {
        if (data.localizations().isEmpty()) {
            return;
        }
        List<LocalizationRow> l = data.localizations();
        double minRecall = l.stream().filter(r -> r.recall() != null).mapToDouble(LocalizationRow::recall).min()
            .orElse(Double.NaN);
        long below = l.stream().filter(r -> r.recall() != null && r.recall() < 0.995).count();
        h.append("<section id=\"localization\"><h2>Kidney localization</h2>\n")
            .append("<p class=\"note\">").append(l.size()).append(" case(s) were cut from the localizer's ROIs, ")
            .append(num(l.stream().mapToDouble(LocalizationRow::seconds).average().orElse(Double.NaN), 2))
            .append(" s per scan on average. ROI recall is the share of a labelled case's kidney-or-tumor voxels ")
            .append("inside its ROIs").append(Double.isNaN(minRecall) ? " (no labelled case here)"
                : ": lowest " + num(minRecall, 4) + ", " + below + " case(s) below 0.995").append(".</p>\n")
            .append("<table class=\"data\">\n<thead><tr><th>Case</th><th>Kidneys found</th><th>ROIs</th>")
            .append("<th>ROI recall</th><th>Seconds</th><th>Finding</th></tr></thead>\n<tbody>\n");
        for (LocalizationRow r : l) {
            h.append("<tr><td>").append(esc(r.caseId())).append("</td><td>").append(r.kidneys()).append("</td><td>")
                .append(r.rois()).append("</td><td>").append(r.recall() == null ? "&ndash;" : num(r.recall(), 4))
                .append("</td><td>").append(num(r.seconds(), 2)).append("</td><td class=\"msg\">")
                .append(esc(r.finding())).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    private void failures(StudyData data) {
        h.append("<section id=\"failures\"><h2>Failures</h2>\n");
        if (data.failures().isEmpty()) {
            h.append("<p class=\"ok\">No case failed in any stage.</p>\n</section>\n");
            return;
        }
        h.append("<table class=\"data\">\n<thead><tr><th>Case</th><th>Stage</th><th>Error</th><th>Message</th>")
            .append("</tr></thead>\n<tbody>\n");
        for (FailureRow f : data.failures()) {
            h.append("<tr><td>").append(esc(f.caseId())).append("</td><td>").append(esc(f.stage())).append("</td><td>")
                .append(esc(f.errorType())).append("</td><td class=\"msg\">").append(esc(f.message())).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    private void config(StudyData data) {
        h.append("<section id=\"config\"><h2>Configuration</h2>\n");
        if (data.configText() == null) {
            h.append("<p class=\"muted\">The run folder has no config.conf.</p>\n</section>\n");
            return;
        }
        h.append("<p class=\"note\">The effective configuration of the run (config.conf; secrets redacted).</p>\n")
            .append("<pre class=\"config\">").append(esc(redact(data.configText()))).append("</pre>\n</section>\n");
    }

    /**
     * The run's config.conf through the same allowlist as the pipeline ({@link renalseg.config.Secrets}),
     * again: a config.conf written by an older version, or edited by hand, may hold what the allowlist
     * masks. Text that does not parse is not shown at all.
     */
    static String redact(String config) {
        try {
            return renalseg.config.Secrets.render(com.typesafe.config.ConfigFactory.parseString(config));
        } catch (com.typesafe.config.ConfigException e) {
            return "(config.conf does not parse as HOCON, so it is not shown: " + e.getClass().getSimpleName() + ")";
        }
    }

    static String regionLabel(String region) {
        return switch (region) {
            case Cohort.KIDNEY -> "Kidney";
            case Cohort.TUMOR -> "Tumor";
            case Cohort.BOTH -> "Kidney + tumor";
            default -> region;
        };
    }
}
