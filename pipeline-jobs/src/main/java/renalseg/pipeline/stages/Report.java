package renalseg.pipeline.stages;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import renalseg.tables.Cols;

/** report/index.html: the summary, per-case metrics and failures as plain tables (no scripts, no assets). */
final class Report {

    private Report() {
    }

    static String html(String run, List<Row> summary, List<Row> metrics, List<Row> failures) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>renalseg report</title>")
            .append("<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;")
            .append("padding:2px 6px;text-align:right}td:first-child,th:first-child{text-align:left}</style></head><body>")
            .append("<h1>renalseg report</h1><p>Run folder: ").append(esc(run)).append("</p>");
        b.append("<h2>Summary</h2>").append(table(summary));
        b.append("<h2>Per case</h2>").append(table(metrics));
        b.append("<h2>Failures (").append(failures.size()).append(")</h2>").append(table(failures));
        return b.append("</body></html>\n").toString();
    }

    private static String table(List<Row> rows) {
        if (rows.isEmpty()) {
            return "<p>none</p>";
        }
        StringBuilder b = new StringBuilder("<table><tr>");
        for (String f : rows.get(0).schema().fieldNames()) {
            b.append("<th>").append(esc(f)).append("</th>");
        }
        b.append("</tr>");
        for (Row r : rows) {
            b.append("<tr>");
            for (String f : r.schema().fieldNames()) {
                Object v = Cols.get(r, f);
                String s = v == null ? "" : v instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : v.toString();
                b.append("<td>").append(esc(s)).append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</table>").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
