package renalseg.io;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The one way output files (segmentations, NIfTI outputs of the commands, report files, config.conf,
 * markers) reach their final path, so
 * that a reader never sees half of one and a run killed mid-write leaves no partial file behind:
 * <ul>
 *   <li>on object stores (s3a, gs, abfs, ...) the stream goes straight to the final key: the connectors
 *       buffer it and upload on close (one PUT, or a multipart upload completed on close), and the object
 *       only appears, whole, when that succeeds; a killed writer leaves nothing (an unfinished multipart
 *       upload is invisible and expires by the bucket's lifecycle rule);</li>
 *   <li>on file systems with rename (file:, hdfs:) it is written to {@code _tmp-<name>-<uuid>} beside the
 *       final path and renamed over it. Local rename replaces atomically (POSIX rename); where rename
 *       refuses an existing target (HDFS) the old file is deleted first, so a reader may briefly find no
 *       file, never a partial one. Leftover {@code _tmp-} files of a killed run are removed by
 *       the pipeline's run folder cleanup and, starting with "_", are ignored by Spark and Hadoop
 *       listings meanwhile.</li>
 * </ul>
 */
public final class AtomicFiles {

    /** Prefix of files and folders being written; never a finished output. */
    public static final String TMP_PREFIX = "_tmp-";

    private static final Set<String> OBJECT_STORES = Set.of("s3a", "s3", "s3n", "gs", "abfs", "abfss", "wasb",
        "wasbs", "oss", "cos", "cosn", "obs");

    private AtomicFiles() {
    }

    /** What writes the content. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** Writes {@code target} through {@code body}: whole, or (on failure) not at all. */
    public static void write(FileSystem fs, Path target, Body body) throws IOException {
        Path q = fs.makeQualified(target);
        String scheme = q.toUri().getScheme() == null ? "" : q.toUri().getScheme().toLowerCase(Locale.ROOT);
        if (OBJECT_STORES.contains(scheme)) {
            try (OutputStream out = fs.create(q, true)) {
                body.write(out);
            }
            return;
        }
        Path tmp = new Path(q.getParent(), TMP_PREFIX + q.getName() + "-" + UUID.randomUUID());
        try {
            try (OutputStream out = fs.create(tmp, false)) {
                body.write(out);
            }
            if (!fs.rename(tmp, q)) {
                fs.delete(q, false);
                if (!fs.rename(tmp, q)) {
                    throw new IOException("cannot rename " + tmp + " to " + q);
                }
            }
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, false);
            }
        }
    }

    /** A local file the same way: written beside, then moved over the target atomically. */
    public static void write(java.nio.file.Path target, Body body) throws IOException {
        java.nio.file.Path abs = target.toAbsolutePath();
        java.nio.file.Files.createDirectories(abs.getParent());
        java.nio.file.Path tmp = abs.resolveSibling(TMP_PREFIX + abs.getFileName() + "-" + UUID.randomUUID());
        try {
            try (OutputStream out = java.nio.file.Files.newOutputStream(tmp)) {
                body.write(out);
            }
            java.nio.file.Files.move(tmp, abs, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            java.nio.file.Files.deleteIfExists(tmp);
        }
    }

    /** Copies a local file to {@code target} the same way. */
    public static void copyFromLocal(FileSystem fs, java.nio.file.Path local, Path target) throws IOException {
        write(fs, target, out -> java.nio.file.Files.copy(local, out));
    }
}
