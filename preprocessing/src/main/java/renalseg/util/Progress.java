package renalseg.util;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long task on stderr: done/total, rate and time left, at most once per interval
 * (and always at the end). Thread-safe.
 */
public final class Progress {

    private final String label;
    private final long total;
    private final PrintStream out;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long done;
    private long lastPrint;

    public Progress(String label, long total) {
        this(label, total, System.err, 2_000_000_000L);
    }

    public Progress(String label, long total, PrintStream out, long intervalNanos) {
        this.label = label;
        this.total = total;
        this.out = out;
        this.intervalNanos = intervalNanos;
        this.lastPrint = start;
    }

    public synchronized void step(long n) {
        done += n;
        long now = System.nanoTime();
        if (done >= total || now - lastPrint >= intervalNanos) {
            lastPrint = now;
            out.println(line(now));
        }
    }

    public synchronized long done() {
        return done;
    }

    String line(long now) {
        double secs = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / secs;
        String left = rate > 0 && total > done ? formatSeconds((total - done) / rate) : "0s";
        return String.format(Locale.ROOT, "%s: %d/%d (%.0f%%), %.2f/s, %s elapsed, %s left",
            label, done, total, total == 0 ? 100.0 : 100.0 * done / total, rate, formatSeconds(secs), left);
    }

    public static String formatSeconds(double s) {
        long t = Math.round(s);
        if (t < 60) {
            return t + "s";
        }
        if (t < 3600) {
            return (t / 60) + "m" + String.format(Locale.ROOT, "%02d", t % 60) + "s";
        }
        return (t / 3600) + "h" + String.format(Locale.ROOT, "%02d", (t % 3600) / 60) + "m";
    }
}
