package renalseg.networks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which libnd4j build this JVM runs. Both the plain {@code linux-x86_64} and the
 * {@code linux-x86_64-onednn} natives of nd4j-native are on the classpath (the first arrives
 * transitively); JavaCPP tries the extensions that the nd4j preset declares
 * ({@code @Platform(extension = {"-onednn", "-onednn-avx512", "-onednn-avx2", ..., ""})}) in order, so the
 * oneDNN build wins whenever its jar is present, with no system property. Setting
 * {@code -Dorg.bytedeco.javacpp.platform.extension=} (empty) would force the plain build.
 */
public final class Natives {

    private Natives() {
    }

    /** Path of the loaded libnd4jcpu (from /proc/self/maps), or "unknown" off Linux / before loading. */
    public static String loadedLibrary() {
        Nd4j.getExecutioner(); // forces the backend (and its natives) to load
        try {
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
            for (String l : maps) {
                int slash = l.indexOf('/');
                if (slash >= 0 && (l.endsWith("libnd4jcpu.so") || l.endsWith("libnd4jcuda.so"))) {
                    return l.substring(slash);
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }

    /** The nd4j-native classifier directory of the loaded library, e.g. linux-x86_64-onednn. */
    public static String loadedClassifier() {
        String lib = loadedLibrary();
        Path p = Path.of(lib);
        return p.getParent() == null ? "unknown" : p.getParent().getFileName().toString();
    }

    public static boolean oneDnn() {
        return loadedClassifier().contains("onednn");
    }
}
