package renalseg.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import renalseg.io.AtomicFiles;
import renalseg.util.InputError;

/**
 * One pipeline at a time per run folder: {@code <run>/_lock} holds the owner (a random token, host, pid)
 * and a heartbeat time that the owner rewrites every {@code run.lock-heartbeat-s}.
 *
 * <p>How it is taken: created with overwrite = false, then read back after a short pause and kept only if
 * it still holds this run's token. On local and HDFS paths the create is exclusive. On s3a (hadoop-aws
 * 3.3.4) it is not: S3 has no rename and this connector version does not send the conditional
 * "If-None-Match" PUT, so create(overwrite = false) is a HEAD then a PUT, and two runs starting within the
 * same few hundred milliseconds could both see no lock. The read-back closes most of that window (the
 * later PUT wins on S3, and the run whose token was overwritten sees it and stops); the residual race is
 * two PUTs landing after both read-backs, which needs both runs to start within the read-back pause.
 *
 * <p>A lock is stale, and taken over, when its heartbeat is older than {@code run.lock-lease-s}, or when it
 * names this host and a process that no longer exists (a run killed with kill -9 is resumed at once).
 */
public final class RunLock implements AutoCloseable {

    static final String FILE = "_lock";
    private static final long SETTLE_MS = 300;

    private final FileSystem fs;
    private final Path path;
    private final String token = UUID.randomUUID().toString();
    private final long leaseMs;
    private final ScheduledExecutorService heartbeat;

    private RunLock(FileSystem fs, Path path, long heartbeatS, long leaseS) {
        this.fs = fs;
        this.path = path;
        this.leaseMs = leaseS * 1000;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "renalseg-run-lock");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(this::beat, heartbeatS, heartbeatS, TimeUnit.SECONDS);
    }

    /** Takes the lock of {@code run} or throws an {@link InputError} (exit 2) naming its holder. */
    public static RunLock acquire(RunFolder run, long heartbeatS, long leaseS) {
        FileSystem fs = run.fs();
        Path path = new Path(run.path(FILE));
        try {
            fs.mkdirs(new Path(run.root()));
            for (int attempt = 0; attempt < 2; attempt++) {
                Properties held = read(fs, path);
                if (held != null) {
                    String why = stale(held, leaseS * 1000);
                    if (why == null) {
                        throw busy(run, held);
                    }
                    System.err.println("renalseg: taking over the lock of " + run + " (" + why + ")");
                    fs.delete(path, false);
                }
                RunLock mine = new RunLock(fs, path, heartbeatS, leaseS);
                try (var out = fs.create(path, false)) {
                    out.write(mine.content().getBytes(StandardCharsets.UTF_8));
                } catch (FileAlreadyExistsException e) {
                    mine.heartbeat.shutdownNow();
                    continue; // someone was faster: look at their lock
                }
                Thread.sleep(SETTLE_MS);
                Properties back = read(fs, path);
                if (back != null && mine.token.equals(back.getProperty("token"))) {
                    return mine;
                }
                mine.heartbeat.shutdownNow();
                if (back != null) {
                    throw busy(run, back);
                }
            }
            throw new InputError("run folder " + run + " is being locked by another run at the same moment; "
                + "wait for it or use another --run");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock run folder " + run + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while locking " + run, e);
        }
    }

    private static InputError busy(RunFolder run, Properties held) {
        long age = (System.currentTimeMillis() - Long.parseLong(held.getProperty("heartbeat", "0"))) / 1000;
        return new InputError("run folder " + run + " is in use by another run (pid " + held.getProperty("pid")
            + " on " + held.getProperty("host") + ", alive " + age + " s ago); wait for it to finish or use another --run");
    }

    /** Why a held lock is stale, or null when its owner may still be running. */
    static String stale(Properties held, long leaseMs) {
        long beat = Long.parseLong(held.getProperty("heartbeat", "0"));
        long age = System.currentTimeMillis() - beat;
        if (age > leaseMs) {
            return "no heartbeat for " + age / 1000 + " s";
        }
        if (host().equals(held.getProperty("host"))) {
            try {
                long pid = Long.parseLong(held.getProperty("pid", "-1"));
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()) {
                    return "its process " + pid + " on this host is gone";
                }
            } catch (NumberFormatException e) {
                return "unreadable owner";
            }
        }
        return null;
    }

    private String content() {
        return "token=" + token + "\nhost=" + host() + "\npid=" + ProcessHandle.current().pid() + "\nheartbeat="
            + System.currentTimeMillis() + "\n";
    }

    private void beat() {
        try {
            Properties cur = read(fs, path);
            if (cur != null && token.equals(cur.getProperty("token"))) {
                AtomicFiles.write(fs, path, out -> out.write(content().getBytes(StandardCharsets.UTF_8)));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("renalseg: cannot renew the run folder lock " + path + ": " + e.getMessage());
        }
    }

    private static Properties read(FileSystem fs, Path path) throws IOException {
        try (InputStream in = fs.open(path)) {
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return p;
        } catch (java.io.FileNotFoundException e) {
            return null;
        }
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }

    /** Stops the heartbeat and removes the lock if it is still this run's. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            Properties cur = read(fs, path);
            if (cur != null && token.equals(cur.getProperty("token"))) {
                fs.delete(path, false);
            }
        } catch (IOException e) {
            System.err.println("renalseg: cannot remove the run folder lock " + path + ": " + e.getMessage());
        }
    }
}
