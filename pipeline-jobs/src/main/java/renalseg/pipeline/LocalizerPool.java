package renalseg.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import renalseg.localization.Localizer;

/**
 * Localizers on an executor, kept for the life of the JVM like {@link ModelPool}: built from the broadcast
 * bytes of {@code localizer.zip} and {@code localizer.json} (written once to a local folder, which
 * {@link Localizer#load} reads), one per concurrent task (a network is not safe for two threads).
 */
public final class LocalizerPool {

    private static final Map<String, ConcurrentLinkedQueue<Localizer>> IDLE = new ConcurrentHashMap<>();
    private static final Map<String, Path> FOLDERS = new ConcurrentHashMap<>();

    private LocalizerPool() {
    }

    /** @param files {@code [localizer.zip bytes, localizer.json bytes]} */
    public static Localizer borrow(String id, byte[][] files) {
        Localizer l = IDLE.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>()).poll();
        if (l != null) {
            return l;
        }
        Path dir = FOLDERS.computeIfAbsent(id, k -> {
            try {
                Path d = Files.createTempDirectory("renalseg-localizer");
                Files.write(d.resolve(Localizer.NETWORK), files[0]);
                Files.write(d.resolve(Localizer.META), files[1]);
                d.toFile().deleteOnExit();
                d.resolve(Localizer.NETWORK).toFile().deleteOnExit();
                d.resolve(Localizer.META).toFile().deleteOnExit();
                return d;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return Localizer.load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("loading the localizer: " + e.getMessage(), e);
        }
    }

    public static void giveBack(String id, Localizer l) {
        IDLE.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>()).add(l);
    }
}
