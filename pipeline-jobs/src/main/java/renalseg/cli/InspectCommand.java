package renalseg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import renalseg.io.NiftiHeader;
import renalseg.io.NiftiReader;
import renalseg.io.VolumeStats;
import renalseg.util.InputError;

/**
 * Prints what a NIfTI file holds, as nibabel would report it: one JSON object per file and line. A bad
 * file gives one line on stderr naming it; the others are still printed; the exit code is then 2.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Print shape, spacing, datatype, scaling, orientation and value statistics of NIfTI files "
        + "(one JSON object per line).")
public final class InspectCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "NIfTI files (.nii, .nii.gz): local paths "
        + "or Hadoop URIs (file:, s3a:, hdfs:)")
    List<String> files;

    @Option(names = "--max-voxels", description = "Refuse volumes larger than this (default: ${DEFAULT-VALUE}).")
    long maxVoxels = NiftiReader.DEFAULT_MAX_VOXELS;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() {
        NiftiReader reader = new NiftiReader(maxVoxels);
        int failed = 0;
        for (String f : files) {
            try {
                ObjectNode o = inspect(reader, f);
                System.out.println(JSON.writeValueAsString(o));
                System.out.flush();
            } catch (InputError e) {
                failed++;
                System.err.println("renalseg inspect: error: " + e.getMessage());
                System.err.flush();
            } catch (IOException e) {
                failed++;
                System.err.println("renalseg inspect: error: " + f + ": " + e.getMessage());
                System.err.flush();
            }
        }
        return failed == 0 ? 0 : 2;
    }

    static ObjectNode inspect(NiftiReader reader, String file) throws IOException {
        NiftiHeader h;
        VolumeStats s;
        if (file.contains("://") || file.startsWith("file:")) {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(file);
            org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(new org.apache.hadoop.conf.Configuration());
            try (InputStream in = fs.open(p)) {
                h = reader.header(in, file, fs.getFileStatus(p).getLen());
            } catch (java.io.FileNotFoundException e) {
                throw new InputError(file + ": file not found");
            }
            try (InputStream in = fs.open(p)) {
                s = reader.stats(in, file);
            }
        } else {
            Path p = Path.of(file);
            h = reader.header(p);
            s = reader.stats(p);
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("path", file);
        ArrayNode shape = o.putArray("shape");
        for (long d : h.fullShape()) {
            shape.add(d);
        }
        ArrayNode spacing = o.putArray("spacing");
        for (double z : h.zooms()) {
            spacing.add(z);
        }
        o.put("datatype", h.datatype().label);
        putNumber(o, "scl_slope", h.sclSlope());
        putNumber(o, "scl_inter", h.sclInter());
        o.put("axcodes", h.axcodes());
        putNumber(o, "min", s.min());
        putNumber(o, "max", s.max());
        putNumber(o, "mean", s.mean());
        // min/max/mean are over the finite voxels; these say how many were left out
        o.put("nan_voxels", s.nanCount());
        o.put("inf_voxels", s.infCount());
        if (s.counts() != null) {
            ObjectNode c = o.putObject("counts");
            for (Map.Entry<Long, Long> e : s.counts().entrySet()) {
                c.put(Long.toString(e.getKey()), e.getValue());
            }
        }
        return o;
    }

    /** JSON has no NaN or infinity: those print as null (nibabel's "no scaling" for a NaN slope). */
    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }
}
