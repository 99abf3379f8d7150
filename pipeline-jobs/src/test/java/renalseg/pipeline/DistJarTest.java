package renalseg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar that {@code mvn -B -Pdist -pl pipeline-jobs -am package -DskipTests} builds, checked
 * as a cluster will use it: nothing of Spark, Scala or Hadoop inside (the cluster's), every bundled
 * library's META-INF/services entries merged, no signature files, the configuration files, only the
 * natives the CPU backend loads, and {@code version} running on the jar plus Spark's jars.
 */
class DistJarTest {

    @TempDir
    Path tmp;

    @Test
    void theDistJarHoldsTheApplicationAndNothingTheClusterProvides() throws Exception {
        Path jar = DistJar.get();
        SparkDistribution dist = SparkDistribution.create(tmp.resolve("spark-home"));
        try (ZipFile z = new ZipFile(jar.toFile())) {
            Set<String> names = new HashSet<>();
            z.stream().forEach(e -> names.add(e.getName()));
            System.err.printf("DistJarTest: %s, %.0f MB, %d entries (build %.0f s)%n", jar, Files.size(jar) / 1e6,
                names.size(), DistJar.buildSeconds);

            assertTrue(names.contains("renalseg/cli/Main.class"));
            for (String n : names) {
                assertFalse(n.startsWith("scala/") || n.startsWith("org/apache/hadoop/"), n);
                assertFalse(n.matches("META-INF/[^/]*\\.(SF|DSA|RSA|EC)"), "signature file " + n);
            }
            // no class that Spark's, Scala's or Hadoop's jars hold (dl4j-spark puts one helper of its own
            // into Spark's package: allowed, it is in no Spark jar)
            List<Path> clusterJars;
            try (Stream<Path> s = Files.list(dist.home.resolve("jars"))) {
                clusterJars = s.filter(p -> p.getFileName().toString().matches("(spark|scala|hadoop)-.*\\.jar")).toList();
            }
            assertTrue(clusterJars.size() > 10, clusterJars.toString());
            for (Path cj : clusterJars) {
                try (ZipFile c = new ZipFile(cj.toRealPath().toFile())) {
                    c.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class"))
                        .forEach(n -> assertFalse(names.contains(n), n + " of " + cj.getFileName() + " is in the dist jar"));
                }
            }

            // services: every bundled library's entries are in the merged file
            int checked = 0;
            for (String entry : Loopback.testClasspath()) {
                Path lib = Path.of(entry);
                String[] ga = coordinates(lib);
                if (ga == null || !names.contains("META-INF/maven/" + ga[0] + "/" + ga[1] + "/pom.properties")) {
                    continue;
                }
                try (ZipFile l = new ZipFile(lib.toFile())) {
                    for (ZipEntry e : l.stream().filter(e -> e.getName().startsWith("META-INF/services/")
                        && !e.isDirectory()).toList()) {
                        Set<String> merged = new HashSet<>(lines(z, z.getEntry(e.getName())));
                        for (String provider : lines(l, e)) {
                            assertTrue(merged.contains(provider), e.getName() + " of " + lib.getFileName()
                                + " lost " + provider);
                            checked++;
                        }
                    }
                }
            }
            assertTrue(checked > 20, "service entries checked: " + checked);
            assertTrue(lines(z, z.getEntry("META-INF/services/org.nd4j.linalg.factory.Nd4jBackend"))
                .contains("org.nd4j.linalg.cpu.nativecpu.CpuBackend"));

            // the configuration files, as in conf/
            Path conf = DistJar.root().resolve("conf");
            List<Path> confFiles;
            try (Stream<Path> s = Files.walk(conf)) {
                confFiles = s.filter(Files::isRegularFile).toList();
            }
            assertTrue(confFiles.size() >= 5);
            for (Path f : confFiles) {
                String name = "conf/" + conf.relativize(f).toString().replace('\\', '/');
                ZipEntry e = z.getEntry(name);
                assertTrue(e != null, name + " is missing");
                try (InputStream in = z.getInputStream(e)) {
                    assertEquals(Files.readString(f), new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
                }
            }

            // natives: the oneDNN CPU build only (the plain build nd4j-native's pom adds is left out)
            assertTrue(names.contains("org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/libnd4jcpu.so"));
            assertFalse(names.contains("org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64/libnd4jcpu.so"));
        }

        // version on the jar and Spark's jars, as spark-submit's classpath would be
        List<String> cmd = List.of(Loopback.java(), "-cp", jar + java.io.File.pathSeparator + dist.classpath(),
            "renalseg.cli.Main", "version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("renalseg 0.1.0-SNAPSHOT"), out);
        assertTrue(out.contains("spark 3.5."), out);
        assertTrue(out.contains("nd4j backend nd4j-native linux-x86_64-onednn"), out);
    }

    private static List<String> lines(ZipFile z, ZipEntry e) throws IOException {
        assertTrue(e != null, "missing services file");
        List<String> out = new ArrayList<>();
        try (InputStream in = z.getInputStream(e)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String s = line.replaceAll("#.*", "").trim();
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** groupId and artifactId of a jar in the local Maven repository, or null. */
    private static String[] coordinates(Path jar) {
        String p = jar.toString().replace('\\', '/');
        int repo = p.indexOf("/repository/");
        if (!p.endsWith(".jar") || repo < 0) {
            return null;
        }
        String[] parts = p.substring(repo + "/repository/".length()).split("/");
        if (parts.length < 4) {
            return null;
        }
        return new String[] {String.join(".", List.of(parts).subList(0, parts.length - 3)), parts[parts.length - 3]};
    }
}
