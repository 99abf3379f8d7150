package renalseg.report;

import java.util.Locale;

/** Formatting of values for the report's HTML: numbers, percentages, durations, colours, escaping. */
final class Html {

    private Html() {
    }

    static String num(double v, int dp) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + dp + "f", v) : "&ndash;";
    }

    static String raw(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : "&ndash;";
    }

    static String duration(double s) {
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        long t = Math.round(s);
        return t < 3600 ? String.format(Locale.ROOT, "%d min %02d s", t / 60, t % 60)
            : String.format(Locale.ROOT, "%d h %02d min", t / 3600, (t % 3600) / 60);
    }

    static String hex(java.awt.Color c) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
