package renalseg.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import renalseg.localization.Localizer;

/**
 * Localizers on an executor, kept for the life of the JVM like {@link ModelPool}: built from the broadcast
 * bytes of {@code localizer.zip} and {@code localizer.json} (written once to a local folder, which
 * {@link Localizer#load} reads), one per concurrent task ({@link ExecutorPool}).
 */
public final class LocalizerPool {

    private static final ExecutorPool<Localizer> POOL = new ExecutorPool<>();
    private static final Map<String, Path> FOLDERS = new ConcurrentHashMap<>();

    private LocalizerPool() {
    }

    /** @param files {@code [localizer.zip bytes, localizer.json bytes]} */
    public static Localizer borrow(String id, byte[][] files) {
        return POOL.borrow(id, () -> load(folder(id, files)));
    }

    private static Localizer load(Path dir) {
        try {
            return Localizer.load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("loading the localizer: " + e.getMessage(), e);
        }
    }

    /** The local folder holding the broadcast files, written once per JVM. */
    private static Path folder(String id, byte[][] files) {
        return FOLDERS.computeIfAbsent(id, k -> {
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
    }

    public static void giveBack(String id, Localizer l) {
        POOL.giveBack(id, l);
    }
}
