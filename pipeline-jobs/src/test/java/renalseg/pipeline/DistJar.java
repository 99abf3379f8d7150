package renalseg.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The application jar exactly as users build it: {@code mvn -B -Pdist -pl pipeline-jobs -am package}
 * (tests skipped), run on the reactor by the Maven that runs the tests (its home, local repository and
 * offline flag come in as system properties from the pom). Built at most once per test JVM, and only
 * when a module's classes or a pom are newer than the jar already there.
 */
final class DistJar {

    /** Seconds the last build took here (0 when the jar was up to date), for the test reports. */
    static volatile double buildSeconds;
    private static Path built;

    private DistJar() {
    }

    /** The reactor root (the tests run in pipeline-jobs/). */
    static Path root() {
        return Path.of("").toAbsolutePath().getParent();
    }

    static synchronized Path get() throws IOException, InterruptedException {
        Path jar = root().resolve("pipeline-jobs/target/renalseg-dist.jar");
        if (built != null) {
            return built;
        }
        if (!Files.isRegularFile(jar) || stale(jar)) {
            long t0 = System.nanoTime();
            build(jar.getParent().resolve("dist-build.log"));
            buildSeconds = (System.nanoTime() - t0) / 1e9;
            System.err.printf("DistJar: built %s in %.1f s%n", jar, buildSeconds);
        }
        built = jar;
        return jar;
    }

    private static boolean stale(Path jar) throws IOException {
        FileTime t = Files.getLastModifiedTime(jar);
        List<Path> inputs = new ArrayList<>(List.of(root().resolve("pom.xml")));
        for (String m : List.of("preprocessing", "postprocessing", "model", "pipeline-jobs")) {
            inputs.add(root().resolve(m).resolve("pom.xml"));
            // classes and resource sources: the build rewrites filtered resources in target/ every time
            inputs.add(root().resolve(m).resolve("target/classes"));
            inputs.add(root().resolve(m).resolve("src/main/resources"));
        }
        inputs.add(root().resolve("conf"));
        for (Path in : inputs) {
            if (!Files.exists(in)) {
                return true;
            }
            try (Stream<Path> s = Files.walk(in)) {
                if (s.filter(f -> Files.isRegularFile(f) && !(f.toString().contains("target/classes")
                    && !f.toString().endsWith(".class"))).anyMatch(f -> {
                    try {
                        return Files.getLastModifiedTime(f).compareTo(t) > 0;
                    } catch (IOException e) {
                        return true;
                    }
                })) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void build(Path log) throws IOException, InterruptedException {
        String home = System.getProperty("renalseg.maven.home", "");
        List<String> cmd = new ArrayList<>();
        cmd.add(home.isBlank() || home.startsWith("${") ? "mvn" : Path.of(home, "bin", "mvn").toString());
        cmd.add("-B");
        if ("offline=true".equals(System.getProperty("renalseg.maven.offline"))) {
            cmd.add("-o");
        }
        String repo = System.getProperty("renalseg.maven.repo", "");
        if (!repo.isBlank() && !repo.startsWith("${")) {
            cmd.add("-Dmaven.repo.local=" + repo);
        }
        // the command docs/cluster.md gives; maven.test.skip rather than skipTests: nothing to compile
        cmd.addAll(List.of("-Pdist", "-pl", "pipeline-jobs", "-am", "package", "-Dmaven.test.skip=true"));
        Process p = new ProcessBuilder(cmd).directory(root().toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("the dist build did not finish in 20 min: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) {
            throw new IOException("the dist build failed (" + String.join(" ", cmd) + "), log " + log + ":\n"
                + Loopback.tail(log));
        }
    }
}
