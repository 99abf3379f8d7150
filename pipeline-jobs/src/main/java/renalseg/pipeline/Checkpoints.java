package renalseg.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import renalseg.training.Checkpoint;

/**
 * Training checkpoints in {@code <run>/checkpoints/} on any Hadoop file system: written locally (the
 * model library writes zips to local paths) and copied up; {@code round-NNNNNN.zip} every N rounds,
 * {@code model.zip} for the trained network.
 */
public final class Checkpoints {

    public static final String FINAL = "model.zip";

    private final RunFolder run;

    public Checkpoints(RunFolder run) {
        this.run = run;
    }

    public static String roundName(int round) {
        return String.format("round-%06d.zip", round);
    }

    public void write(Checkpoint c, String name) {
        try {
            java.nio.file.Path local = Files.createTempFile("renalseg-checkpoint", ".zip");
            try {
                c.write(local);
                FileSystem fs = run.fs();
                Path dst = new Path(run.checkpoints() + "/" + name);
                Path tmp = new Path(run.checkpoints() + "/_" + name + ".tmp");
                fs.copyFromLocalFile(false, true, new Path(local.toUri()), tmp);
                fs.delete(dst, false);
                if (!fs.rename(tmp, dst)) {
                    throw new IOException("cannot rename " + tmp + " to " + dst);
                }
            } finally {
                Files.deleteIfExists(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing checkpoint " + name + ": " + e.getMessage(), e);
        }
    }

    public Checkpoint read(String name) {
        try {
            java.nio.file.Path local = Files.createTempFile("renalseg-checkpoint", ".zip");
            try {
                run.fs().copyToLocalFile(false, new Path(run.checkpoints() + "/" + name), new Path(local.toUri()), true);
                return Checkpoint.read(local);
            } finally {
                Files.deleteIfExists(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading checkpoint " + name + ": " + e.getMessage(), e);
        }
    }

    public boolean exists(String name) {
        return run.exists("checkpoints/" + name);
    }

    /** Round checkpoints, oldest first. */
    public List<String> rounds() {
        try {
            FileSystem fs = run.fs();
            Path dir = new Path(run.checkpoints());
            List<String> out = new ArrayList<>();
            if (!fs.exists(dir)) {
                return out;
            }
            for (FileStatus st : fs.listStatus(dir)) {
                String n = st.getPath().getName();
                if (n.matches("round-\\d{6}\\.zip")) {
                    out.add(n);
                }
            }
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void keepLatest(int keep) {
        List<String> r = rounds();
        try {
            for (int i = 0; i < r.size() - keep; i++) {
                run.fs().delete(new Path(run.checkpoints() + "/" + r.get(i)), false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void deleteAll() {
        try {
            run.fs().delete(new Path(run.checkpoints()), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
