package renalseg.localization;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import renalseg.util.InputError;

/**
 * What inference needs besides the network (stored as {@code localizer.json} beside the network's
 * checkpoint): the coarse grid and intensity window it was trained with, and the defaults for turning
 * components into ROIs.
 */
public record LocalizerMeta(int format, double[] spacingMm, double huMin, double huMax, double padHu, double marginMm,
                            double minComponentMl, int[] maxWindow, double threshold) {

    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static LocalizerMeta read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputError("localizer settings not found: " + file);
        }
        LocalizerMeta m;
        try {
            m = JSON.readValue(file.toFile(), LocalizerMeta.class);
        } catch (IOException e) {
            throw new InputError("localizer settings " + file + " are unreadable: " + e.getMessage(), e);
        }
        if (m.format != FORMAT) {
            throw new InputError("localizer settings " + file + " have format " + m.format + ", expected " + FORMAT);
        }
        return m;
    }
}
