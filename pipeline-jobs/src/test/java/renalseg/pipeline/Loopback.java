package renalseg.pipeline;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Helpers for servers the tests start on 127.0.0.1 in their own processes. */
final class Loopback {

    static final String HOST = "127.0.0.1";

    private Loopback() {
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Waits until something listens on the port, or the process died, or the time is up. */
    static void awaitPort(int port, Process process, long timeoutMillis, Path log) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            if (!process.isAlive()) {
                throw new IOException("process exited with " + process.exitValue() + " before listening on " + port
                    + "; log tail:\n" + tail(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IOException("nothing listens on " + HOST + ":" + port + " after " + timeoutMillis + " ms; log tail:\n" + tail(log));
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** The java executable of this JVM. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The test classpath that Maven wrote (target/test-classpath.txt): module class folders and jars. */
    static List<String> testClasspath() throws IOException {
        Path f = Path.of("target", "test-classpath.txt");
        if (!Files.isRegularFile(f)) {
            throw new IOException("target/test-classpath.txt is missing: run the tests through Maven");
        }
        List<String> out = new ArrayList<>(List.of(Files.readString(f).trim().split(java.io.File.pathSeparator)));
        out.add(0, Path.of("target", "test-classes").toAbsolutePath().toString());
        out.add(0, Path.of("target", "classes").toAbsolutePath().toString());
        return out;
    }

    static void stop(Process p) {
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
