package renalseg.pipeline;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * Instances kept for the life of an executor JVM, keyed by id (a network built from a broadcast, say): a
 * task borrows an idle one or builds one, and gives it back when done, so concurrent tasks never share one
 * (DL4J networks are not safe for two threads) and at most one is built per task slot.
 */
public final class ExecutorPool<T> {

    private final Map<String, ConcurrentLinkedQueue<T>> idle = new ConcurrentHashMap<>();

    public T borrow(String id, Supplier<T> build) {
        T t = idle.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>()).poll();
        return t != null ? t : build.get();
    }

    public void giveBack(String id, T t) {
        idle.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>()).add(t);
    }
}
