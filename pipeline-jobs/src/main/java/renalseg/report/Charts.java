package renalseg.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts (XChart), written as PNG at twice their layout size so they stay sharp on
 * high-density screens and in print.
 */
final class Charts {

    static final int WIDTH = 560;
    static final int HEIGHT = 380;
    /** 144 dpi = 2x XChart's 72 dpi layout. */
    private static final int DPI = 144;
    static final Color KIDNEY = new Color(46, 110, 180);
    static final Color TUMOR = new Color(214, 96, 40);
    static final Color BOTH = new Color(90, 150, 80);
    private static final Color GRID = new Color(225, 225, 225);

    /** Paired values of one region: predicted and reference volumes (ml) by case. */
    record Pairs(String label, double[] truth, double[] pred) {
    }

    private Charts() {
    }

    static void save(Chart<?, ?> chart, Path png) throws IOException {
        String name = png.toString();
        if (!name.endsWith(".png")) {
            throw new IllegalArgumentException("charts are PNG files: " + png);
        }
        BitmapEncoder.saveBitmapWithDPI(chart, name, BitmapEncoder.BitmapFormat.PNG, DPI);
    }

    private static void style(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(170, 170, 170));
        s.setPlotGridLinesColor(GRID);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        s.setChartTitleBoxVisible(false);
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendBorderColor(new Color(200, 200, 200));
        s.setChartPadding(8);
        s.setAntiAlias(true);
    }

    /**
     * Box plots of one metric per region (whiskers at 1.5 IQR, as matplotlib's default); {@code yMax} null
     * lets the axis follow the data.
     */
    static BoxChart boxes(String title, String yTitle, Map<String, double[]> byRegion, Double yMax) {
        BoxChart c = new BoxChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(yMax);
        c.getStyler().setLegendVisible(false);
        c.getStyler().setYAxisDecimalPattern(yMax != null && yMax <= 1 ? "0.0" : "0.#");
        c.getStyler().setBoxWidthFraction(0.45);
        Map<String, double[]> present = new LinkedHashMap<>();
        byRegion.forEach((k, v) -> {
            double[] finite = Arrays.stream(v).filter(Double::isFinite).toArray();
            if (finite.length > 0) {
                present.put(k, finite);
            }
        });
        if (present.isEmpty()) {
            present.put("no cases", new double[] {0});
        }
        Color[] colors = {KIDNEY, TUMOR, BOTH};
        int i = 0;
        for (Map.Entry<String, double[]> e : present.entrySet()) {
            Color col = colors[i++ % colors.length];
            var s = c.addSeries(e.getKey() + " (n=" + e.getValue().length + ")", e.getValue());
            // XChart draws boxes in its own colours; the series colour marks the outliers
            s.setMarkerColor(col);
        }
        return c;
    }

    /** Predicted against reference volume per case and region, with the identity line. */
    static XYChart volumes(List<Pairs> regions) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Predicted vs reference volume")
            .xAxisTitle("reference volume (ml)").yAxisTitle("predicted volume (ml)").build();
        style(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setMarkerSize(7);
        double max = 1;
        for (Pairs p : regions) {
            for (int i = 0; i < p.truth().length; i++) {
                max = Math.max(max, Math.max(p.truth()[i], p.pred()[i]));
            }
        }
        max = niceCeil(max * 1.05);
        XYSeries id = c.addSeries("identity (y = x)", new double[] {0, max}, new double[] {0, max});
        id.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        id.setMarker(SeriesMarkers.NONE);
        id.setLineColor(new Color(120, 120, 120));
        id.setLineStyle(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        Color[] colors = {KIDNEY, TUMOR, BOTH};
        int ci = 0;
        for (Pairs p : regions) {
            Color col = colors[ci++ % colors.length];
            if (p.truth().length == 0) {
                continue;
            }
            XYSeries s = c.addSeries(p.label() + " (n=" + p.truth().length + ")", p.truth(), p.pred());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 200));
        }
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax(max);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(max);
        return c;
    }

    /**
     * Bland-Altman plot: difference (predicted - reference) against the mean of the two, with the bias and
     * the 95% limits of agreement (bias +- 1.96 sd of the differences).
     */
    static XYChart blandAltman(Pairs p) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Bland-Altman: " + p.label() + " volume")
            .xAxisTitle("mean of predicted and reference (ml)").yAxisTitle("predicted - reference (ml)").build();
        style(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setMarkerSize(7);
        int n = p.truth().length;
        double[] mean = new double[n];
        double[] diff = new double[n];
        for (int i = 0; i < n; i++) {
            mean[i] = (p.truth()[i] + p.pred()[i]) / 2;
            diff[i] = p.pred()[i] - p.truth()[i];
        }
        Agreement a = Agreement.of(p.truth(), p.pred());
        double xmax = n == 0 ? 1 : niceCeil(Arrays.stream(mean).max().orElse(1) * 1.05);
        if (n > 0) {
            XYSeries pts = c.addSeries("cases (n=" + n + ")", mean, diff);
            pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            pts.setMarker(SeriesMarkers.CIRCLE);
            pts.setMarkerColor(new Color(TUMOR.getRed(), TUMOR.getGreen(), TUMOR.getBlue(), 200));
        }
        if (n > 0 && Double.isFinite(a.bias())) {
            hline(c, String.format(java.util.Locale.ROOT, "bias %.2f ml", a.bias()), a.bias(), xmax,
                new Color(60, 60, 60), null);
        }
        if (n > 1 && Double.isFinite(a.sd())) {
            float[] dash = {6f, 4f};
            hline(c, String.format(java.util.Locale.ROOT, "95%% limits %.2f, %.2f ml", a.lower(), a.upper()),
                a.upper(), xmax, new Color(150, 150, 150), dash);
            XYSeries lo = hline(c, "lower limit", a.lower(), xmax, new Color(150, 150, 150), dash);
            lo.setShowInLegend(false);
        }
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax(xmax);
        return c;
    }

    private static XYSeries hline(XYChart c, String name, double y, double xmax, Color col, float[] dash) {
        XYSeries s = c.addSeries(name, new double[] {0, xmax}, new double[] {y, y});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(col);
        s.setLineStyle(dash == null ? new BasicStroke(1.5f)
            : new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
        return s;
    }

    /** One training curve (loss or learning rate) against iterations; log y when it spans two decades. */
    static XYChart curve(String title, String yTitle, double[] iterations, double[] values, Color col) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("iteration")
            .yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setLegendVisible(false);
        double min = Arrays.stream(values).filter(v -> v > 0).min().orElse(0);
        double max = Arrays.stream(values).max().orElse(0);
        boolean log = min > 0 && Arrays.stream(values).allMatch(v -> v > 0) && max / min >= 100;
        c.getStyler().setYAxisLogarithmic(log);
        if (iterations.length == 0) {
            iterations = new double[] {0};
            values = new double[] {log ? 1 : 0};
        }
        XYSeries s = c.addSeries(yTitle, iterations, values);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(iterations.length > 60 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        s.setLineColor(col);
        s.setMarkerColor(col);
        s.setLineWidth(1.6f);
        return c;
    }

    /** The next 1, 2 or 5 times a power of ten at or above v (axis limits that read well). */
    static double niceCeil(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v * (1 - 1e-12)) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
