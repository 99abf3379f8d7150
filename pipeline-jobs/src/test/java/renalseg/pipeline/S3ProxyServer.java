package renalseg.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * S3Proxy (Maven Central's self-contained jar, copied to target/s3proxy/ by the build) as a separate
 * process on 127.0.0.1 and a free port, with the file-system blob store under a temporary folder.
 * Credentials are random per server and never printed.
 */
final class S3ProxyServer implements AutoCloseable {

    final int port;
    final String identity = "renalseg-test";
    final String credential = UUID.randomUUID().toString();
    private final Path base;
    private final Process process;

    S3ProxyServer(Path workDir, String... buckets) throws IOException, InterruptedException {
        Path jar = Path.of("target", "s3proxy", "s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar.toAbsolutePath() + " is missing: run the tests through Maven");
        }
        this.port = Loopback.freePort();
        this.base = workDir.resolve("blobs");
        for (String b : buckets) {
            Files.createDirectories(base.resolve(b)); // a bucket of the file-system store is a folder
        }
        Path props = workDir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
            "s3proxy.endpoint=http://" + Loopback.HOST + ":" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + identity,
            "s3proxy.credential=" + credential,
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + base.toAbsolutePath()) + "\n");
        Path log = workDir.resolve("s3proxy.log");
        this.process = new ProcessBuilder(Loopback.java(), "-Xmx256m", "-jar", jar.toAbsolutePath().toString(),
            "--properties", props.toAbsolutePath().toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Loopback.awaitPort(port, process, 60_000, log);
    }

    String endpoint() {
        return "http://" + Loopback.HOST + ":" + port;
    }

    /** Hadoop s3a settings for this server, as spark.hadoop.* keys. */
    Map<String, String> sparkConf() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("spark.hadoop.fs.s3a.endpoint", endpoint());
        m.put("spark.hadoop.fs.s3a.endpoint.region", "us-east-1");
        m.put("spark.hadoop.fs.s3a.path.style.access", "true");
        m.put("spark.hadoop.fs.s3a.connection.ssl.enabled", "false");
        m.put("spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        m.put("spark.hadoop.fs.s3a.access.key", identity);
        m.put("spark.hadoop.fs.s3a.secret.key", credential);
        // S3A deletes parent "directory" markers after each write with a multi-object DELETE, which this
        // server's file-system store answers slowly or not at all: keep markers, delete one by one.
        m.put("spark.hadoop.fs.s3a.directory.marker.retention", "keep");
        m.put("spark.hadoop.fs.s3a.multiobjectdelete.enable", "false");
        m.put("spark.hadoop.fs.s3a.attempts.maximum", "3");
        m.put("spark.hadoop.fs.s3a.retry.limit", "3");
        return m;
    }

    @Override
    public void close() {
        Loopback.stop(process);
    }
}
