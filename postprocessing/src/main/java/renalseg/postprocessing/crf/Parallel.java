package renalseg.postprocessing.crf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Index ranges split over a fixed number of threads (the caller plus a small pool). Every use here computes
 * each index independently of the others, so results do not depend on the thread count.
 */
final class Parallel implements AutoCloseable {

    /** Work on indices [from, to). */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    static final Parallel SERIAL = new Parallel(1);

    private final int threads;
    private final ExecutorService pool;

    Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "crf-worker");
            t.setDaemon(true);
            return t;
        });
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code body} on [0, n) in one contiguous slice per thread; returns when all are done. Splits as soon
     * as every thread gets an index: the lattice build hands out one chunk of points per thread.
     */
    void range(int n, Range body) {
        if (threads == 1 || n < threads) {
            body.run(0, n);
            return;
        }
        List<Future<?>> parts = new ArrayList<>(threads - 1);
        for (int t = 1; t < threads; t++) {
            int from = (int) ((long) n * t / threads);
            int to = (int) ((long) n * (t + 1) / threads);
            parts.add(pool.submit(() -> body.run(from, to)));
        }
        body.run(0, (int) ((long) n / threads));
        for (Future<?> f : parts) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("CRF interrupted", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(c);
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
