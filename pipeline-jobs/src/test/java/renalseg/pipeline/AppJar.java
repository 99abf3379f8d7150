package renalseg.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The application jar a cluster run ships to executors: renalseg's own compiled classes and resources
 * (the module class folders of the test classpath, test classes excluded), as `mvn package` would jar them.
 */
final class AppJar {

    private AppJar() {
    }

    static Path build(Path out) throws IOException {
        Set<String> seen = new HashSet<>();
        try (OutputStream os = Files.newOutputStream(out); JarOutputStream jar = new JarOutputStream(os)) {
            for (String entry : Loopback.testClasspath()) {
                Path dir = Path.of(entry);
                if (!Files.isDirectory(dir) || dir.endsWith("test-classes")) {
                    continue;
                }
                List<Path> files;
                try (Stream<Path> s = Files.walk(dir)) {
                    files = s.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path f : files) {
                    String name = dir.relativize(f).toString().replace('\\', '/');
                    if (seen.add(name)) {
                        jar.putNextEntry(new JarEntry(name));
                        Files.copy(f, jar);
                        jar.closeEntry();
                    }
                }
            }
        }
        return out;
    }
}
