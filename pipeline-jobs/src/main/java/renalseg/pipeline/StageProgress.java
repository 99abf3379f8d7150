package renalseg.pipeline;

import org.apache.spark.util.LongAccumulator;
import renalseg.util.Progress;

/**
 * Prints a long stage's progress (cases done, rate, time left) on stderr while Spark works, from a
 * driver thread that polls an accumulator the executors add to.
 */
public final class StageProgress implements AutoCloseable {

    private final LongAccumulator counter;
    private final Progress progress;
    private final Thread poller;
    private long reported;

    public StageProgress(LongAccumulator counter, String label, long total, long intervalMillis) {
        this.counter = counter;
        this.progress = new Progress(label, total, System.err, intervalMillis * 1_000_000L);
        this.poller = new Thread(this::poll, "renalseg-progress-" + label);
        this.poller.setDaemon(true);
        this.poller.start();
    }

    private void poll() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(500);
                report();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void report() {
        long now = counter.value();
        if (now > reported) {
            progress.step(now - reported);
            reported = now;
        }
    }

    @Override
    public void close() {
        poller.interrupt();
        try {
            poller.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        report();
    }
}
