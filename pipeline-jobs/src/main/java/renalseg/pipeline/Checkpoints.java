package renalseg.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import renalseg.localization.Localizer;
import renalseg.localization.LocalizerTrainer;
import renalseg.plan.SegmentationPlan;
import renalseg.training.Checkpoint;
import renalseg.training.HistoryRow;
import renalseg.training.TrainingPosition;
import renalseg.util.InputError;

/**
 * Training checkpoints in {@code <run>/checkpoints/} on any Hadoop file system: written locally (the
 * model library writes zips to local paths) and copied up; {@code round-NNNNNN.zip} every N rounds,
 * {@code model.zip} for the trained network, {@code localizer/} for the localizer (the folder is what
 * {@code segment --checkpoint} and {@code model.pretrained} take).
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
                upload(local, name);
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

    /** The plan saved in {@code checkpoints/<name>} (null for a checkpoint written before plans). */
    public SegmentationPlan plan(String name) {
        return planAt(run.checkpoints() + "/" + name, run.hadoop());
    }

    /** The plan of a checkpoint zip at any Hadoop URI (null when it has none). */
    public static SegmentationPlan planAt(String uri, org.apache.hadoop.conf.Configuration hadoop) {
        try {
            java.nio.file.Path local = Files.createTempFile("renalseg-checkpoint", ".zip");
            try {
                Path p = new Path(uri);
                p.getFileSystem(hadoop).copyToLocalFile(false, p, new Path(local.toUri()), true);
                return Checkpoint.readPlan(local);
            } finally {
                Files.deleteIfExists(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the plan of " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code checkpoints/localizer/} holds a trained localizer. */
    public boolean hasLocalizer() {
        return exists(Localizer.DIR + "/" + Localizer.NETWORK) && exists(Localizer.DIR + "/" + Localizer.META);
    }

    /** Saves a localizer trained by parameter averaging to {@code checkpoints/localizer/} (replacing one). */
    public void writeLocalizer(LocalizerTrainer trainer, ComputationGraph network, TrainingPosition position,
                               List<HistoryRow> history) {
        try {
            java.nio.file.Path local = Files.createTempDirectory("renalseg-localizer");
            try {
                trainer.save(local, network, position, history);
                upload(local, Localizer.DIR);
            } finally {
                deleteLocal(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the localizer: " + e.getMessage(), e);
        }
    }

    /**
     * Copies a local file or folder to {@code checkpoints/<name>}: beside it first, then renamed over
     * whatever was there, so a reader never sees half of it.
     */
    private void upload(java.nio.file.Path local, String name) throws IOException {
        FileSystem fs = run.fs();
        Path dst = new Path(run.checkpoints() + "/" + name);
        Path tmp = new Path(run.checkpoints() + "/_" + name + ".tmp");
        fs.delete(tmp, true);
        fs.copyFromLocalFile(false, true, new Path(local.toUri()), tmp);
        fs.delete(dst, true);
        if (!fs.rename(tmp, dst)) {
            throw new IOException("cannot rename " + tmp + " to " + dst);
        }
    }

    /** The localizer's two files ({@code localizer.zip}, {@code localizer.json}) as bytes, for a broadcast. */
    public byte[][] localizerFiles() {
        try {
            byte[][] out = new byte[2][];
            String[] names = {Localizer.NETWORK, Localizer.META};
            for (int i = 0; i < 2; i++) {
                try (java.io.InputStream in = run.fs().open(new Path(run.checkpoints() + "/" + Localizer.DIR + "/"
                    + names[i]))) {
                    out[i] = in.readAllBytes();
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the localizer: " + e.getMessage(), e);
        }
    }

    /**
     * {@code model.pretrained}: another run's {@code model.zip} (required) and {@code localizer/} (when it
     * has one) copied into this run's checkpoint folder, which is emptied first.
     */
    public void copyFrom(String pretrainedUri) {
        try {
            Path src = new Path(pretrainedUri);
            FileSystem srcFs = src.getFileSystem(run.hadoop());
            Path model = new Path(src, FINAL);
            if (!srcFs.exists(model)) {
                throw new InputError("model.pretrained: " + model + " does not exist (give the checkpoints folder of a "
                    + "run whose train stage finished)");
            }
            deleteAll();
            FileSystem fs = run.fs();
            fs.mkdirs(new Path(run.checkpoints()));
            FileUtil.copy(srcFs, model, fs, new Path(run.checkpoints() + "/" + FINAL), false, run.hadoop());
            Path loc = new Path(src, Localizer.DIR);
            if (srcFs.exists(new Path(loc, Localizer.NETWORK))) {
                FileUtil.copy(srcFs, loc, fs, new Path(run.checkpoints() + "/" + Localizer.DIR), false, run.hadoop());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("model.pretrained: copying " + pretrainedUri + ": " + e.getMessage(), e);
        }
    }

    private static void deleteLocal(java.nio.file.Path dir) throws IOException {
        try (java.util.stream.Stream<java.nio.file.Path> s = Files.walk(dir)) {
            for (java.nio.file.Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
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
