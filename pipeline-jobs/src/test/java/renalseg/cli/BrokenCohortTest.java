package renalseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.synth.PhantomSize;
import renalseg.synth.SyntheticCohort;

/**
 * A cohort of good SMALL phantoms beside 30 kinds of broken input, each built from bytes here (a good
 * phantom's NIfTI-1 bytes with one field patched, or a hand-written header). The pipeline trains a tiny
 * model on it (the split must only use good cases), then segments the same cohort with that model as
 * {@code --pretrained} (every labelled case a test case): each broken case has exactly one failures row
 * naming its stage, its file and the fault; each good case has its metric rows. {@code inspect} and
 * {@code evaluate} on each broken file exit 2 with one line naming the file.
 *
 * <p>Not covered: unreadable permissions (the tests run as root here, who reads any file).
 */
class BrokenCohortTest {

    @TempDir
    Path tmp;

    /** One broken case: which file is broken, the stage that must reject it, and what the message names. */
    record Kind(String name, String file, String stage, List<String> named) {
    }

    private static final int GOOD = 4;

    @Test
    void everyBrokenCaseIsOneNamedFailureAndEveryGoodCaseIsMeasured() throws Exception {
        Path cohort = tmp.resolve("cohort");
        SyntheticCohort.write(cohort, GOOD, 11, PhantomSize.SMALL);
        Path goodImage = cohort.resolve("case_00000").resolve(SyntheticCohort.IMAGE);
        Path goodLabel = cohort.resolve("case_00000").resolve("segmentation.nii.gz");
        byte[] img = gunzip(Files.readAllBytes(goodImage));
        byte[] seg = gunzip(Files.readAllBytes(goodLabel));
        short[] shape = {le(img).getShort(42), le(img).getShort(44), le(img).getShort(46)};

        Map<String, Kind> kinds = new LinkedHashMap<>();
        int[] next = {100};
        // adds case_00<n>: image and label from the good case, one of them replaced by the bytes given
        java.util.function.BiFunction<String, Object[], Void> add = (name, spec) -> {
            String id = String.format("case_%05d", next[0]++);
            Path d = cohort.resolve(id);
            try {
                Files.createDirectories(d);
                String which = (String) spec[0];
                Object content = spec[1];
                Path imageFile = d.resolve(SyntheticCohort.IMAGE);
                Path labelFile = d.resolve("segmentation.nii.gz");
                Files.write(imageFile, gzip(img));
                Files.write(labelFile, gzip(seg));
                Path target = which.equals("image") ? imageFile : labelFile;
                Files.delete(target);
                if (content instanceof byte[] b) {
                    Files.write(target, b);
                } else if ("dir".equals(content)) {
                    Files.createDirectories(target);
                } // "missing": nothing
                @SuppressWarnings("unchecked")
                List<String> named = (List<String>) spec[3];
                kinds.put(id, new Kind(name, target.toString(), (String) spec[2], named));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return null;
        };
        // ---- image header faults: ingest ----
        add.apply("wrong magic", new Object[] {"image", gzip(patch(img, b -> b.put(344, (byte) 'x'))), "ingest",
            List.of("wrong magic")});
        add.apply("negative dim", new Object[] {"image", gzip(patch(img, b -> b.putShort(44, (short) -4))), "ingest",
            List.of("dim[2] = -4")});
        add.apply("dim[0] > 7", new Object[] {"image", gzip(patch(img, b -> b.putShort(40, (short) 9))), "ingest",
            List.of("dim[0] = 9")});
        add.apply("zero-size", new Object[] {"image", gzip(patch(img, b -> b.putShort(46, (short) 0))), "ingest",
            List.of("dim[3] = 0")});
        add.apply("vox_offset past EOF", new Object[] {"image", patch(img, b -> b.putFloat(108, 1e9f)), "ingest",
            List.of("vox_offset = 1000000000", "within the file")});
        add.apply("NaN pixdim", new Object[] {"image", gzip(patch(img, b -> b.putFloat(80, Float.NaN))), "ingest",
            List.of("pixdim[1] = NaN")});
        add.apply("zero pixdim", new Object[] {"image", gzip(patch(img, b -> b.putFloat(84, 0))), "ingest",
            List.of("pixdim[2] = 0")});
        add.apply("NaN sform", new Object[] {"image", gzip(patch(img, b -> b.putFloat(280 + 16 + 4, Float.NaN))),
            "ingest", List.of("sform", "NaN")});
        add.apply("singular affine", new Object[] {"image", gzip(patch(img, b -> {
            for (int c = 0; c < 4; c++) {
                b.putFloat(280 + 16 + 4 * c, b.getFloat(280 + 4 * c)); // row y = row x
            }
        })), "ingest", List.of("sform", "singular")});
        add.apply("qform code 9", new Object[] {"image", gzip(patch(img, b -> b.putShort(252, (short) 9))), "ingest",
            List.of("qform_code = 9")});
        add.apply("infinite scl_inter", new Object[] {"image", gzip(patch(img, b -> {
            b.putFloat(112, 1);
            b.putFloat(116, Float.POSITIVE_INFINITY);
        })), "ingest", List.of("scl_inter")});
        add.apply("huge 32767^3", new Object[] {"image", gzip(patch(img, b -> {
            b.putShort(42, (short) 32767);
            b.putShort(44, (short) 32767);
            b.putShort(46, (short) 32767);
        })), "ingest", List.of("image too large", "35181150961663")});
        add.apply("2^32 voxels", new Object[] {"image", gzip(patch(img, b -> {
            b.putShort(42, (short) 2048);
            b.putShort(44, (short) 2048);
            b.putShort(46, (short) 1024);
        })), "ingest", List.of("image too large", "4294967296")});
        add.apply("100000^3 (NIfTI-2)", new Object[] {"image", gzip(nifti2(100000, 100000, 100000)), "ingest",
            List.of("image too large", "1000000000000000")});
        add.apply("unknown datatype", new Object[] {"image", gzip(patch(img, b -> b.putShort(70, (short) 7))), "ingest",
            List.of("datatype = 7")});
        add.apply("RGB datatype", new Object[] {"image", gzip(patch(img, b -> {
            b.putShort(70, (short) 128);
            b.putShort(72, (short) 24);
        })), "ingest", List.of("datatype = 128", "RGB24")});
        add.apply("4-D with t > 1", new Object[] {"image", gzip(patch(img, b -> {
            b.putShort(40, (short) 4);
            b.putShort(48, (short) 2);
        })), "ingest", List.of("more than one volume")});
        add.apply("missing image", new Object[] {"image", "missing", "ingest", List.of("file not found")});
        add.apply("empty file", new Object[] {"image", new byte[0], "ingest", List.of("not a NIfTI file")});
        add.apply("directory instead of file", new Object[] {"image", "dir", "ingest", List.of("is a directory")});
        add.apply("non-NIfTI file", new Object[] {"image",
            "id,name\n1,this is a CSV file, not an image at all\n".getBytes(StandardCharsets.UTF_8), "ingest",
            List.of("not a NIfTI file")});
        // ---- label header faults: ingest reads the label header too ----
        add.apply("label shape mismatch", new Object[] {"label", gzip(patch(seg, b -> b.putShort(46, (short) (shape[2] - 1)))),
            "ingest", List.of("shape")});
        add.apply("label NaN pixdim", new Object[] {"label", gzip(patch(seg, b -> b.putFloat(88, Float.NaN))), "ingest",
            List.of("pixdim[3] = NaN")});
        add.apply("label wrong magic", new Object[] {"label", gzip(patch(seg, b -> b.put(345, (byte) '9'))), "ingest",
            List.of("wrong magic")});
        // ---- faults found when the voxels are read: preprocess ----
        byte[] gzImg = gzip(img);
        add.apply("truncated gz", new Object[] {"image", Arrays.copyOf(gzImg, gzImg.length / 2), "preprocess",
            List.of("truncated")});
        add.apply("NaN voxels", new Object[] {"image", gzip(nanVoxels(img)), "preprocess", List.of("NaN")});
        add.apply("label/image affine mismatch", new Object[] {"label", gzip(patch(seg, b -> b.putFloat(280 + 12,
            b.getFloat(280 + 12) + 25))), "preprocess", List.of("affine differs")});
        add.apply("label value 7", new Object[] {"label", gzip(labelValue(seg, 7)), "preprocess",
            List.of("unexpected label 7")});
        add.apply("float label 1.5", new Object[] {"label", gzip(floatLabel(seg, 1.5f)), "preprocess",
            List.of("not a label map", "1.5")});
        add.apply("label 300 (out of range)", new Object[] {"label", gzip(floatLabel(seg, 300f)), "preprocess",
            List.of("not a label map", "300")});
        byte[] gzSeg = gzip(seg);
        add.apply("truncated label", new Object[] {"label", Arrays.copyOf(gzSeg, gzSeg.length - 40), "preprocess",
            List.of("truncated")});
        assertTrue(kinds.size() >= 25, "kinds: " + kinds.size());

        // a float32 label map with integral values (KiTS-like) is a good case
        Path floatCase = cohort.resolve("case_00001").resolve("segmentation.nii.gz");
        Files.write(floatCase, gzip(floatLabel(gunzip(Files.readAllBytes(floatCase)), Float.NaN)));

        // ---- inspect and evaluate on every broken file: exit 2, one line naming the file ----
        // faults of the file alone (not of its voxel values, nor of the pair) are named by both commands
        Set<String> pairOrValues = Set.of("label shape mismatch", "label/image affine mismatch", "label value 7",
            "float label 1.5", "label 300 (out of range)", "NaN voxels");
        for (Map.Entry<String, Kind> e : kinds.entrySet()) {
            Kind k = e.getValue();
            boolean alone = !pairOrValues.contains(k.name());
            InspectCommandTest.Run r = InspectCommandTest.run("inspect", k.file());
            if (alone) {
                assertEquals(2, r.code(), k.name() + ": " + r.err());
                assertOneLineNaming(r.err(), k, "inspect", true);
            } else {
                assertEquals(0, r.code(), k.name() + ": inspect reads a well-formed file: " + r.err());
            }
            boolean isLabel = k.file().endsWith("segmentation.nii.gz");
            Path truth = isLabel ? Path.of(k.file()) : goodLabel;
            Path pred = isLabel ? goodLabel : Path.of(k.file());
            InspectCommandTest.Run ev = InspectCommandTest.run("evaluate", "--truth", truth.toString(), "--pred",
                pred.toString());
            assertEquals(2, ev.code(), k.name() + ": " + ev.err());
            // an image as --pred: header faults are named; a fault deeper in its voxels loses to "not a label map"
            assertOneLineNaming(ev.err(), k, "evaluate", alone && (isLabel || k.stage().equals("ingest")));
            assertEquals("", ev.out(), k.name());
        }
        // NaN voxels: counted by inspect, not hidden in a null mean
        InspectCommandTest.Run nan = InspectCommandTest.run("inspect", kinds.values().stream()
            .filter(k -> k.name().equals("NaN voxels")).findFirst().orElseThrow().file());
        assertTrue(nan.out().contains("\"nan_voxels\":10") && nan.out().contains("\"inf_voxels\":0"), nan.out());

        // ---- the pipeline: train on what is good, then every labelled case as a test case ----
        List<String> common = new ArrayList<>();
        for (String s : renalseg.pipeline.PipelineTestAccess.tinySettings()) {
            common.add("--set");
            common.add(s);
        }
        common.addAll(List.of("--set", "split.test-cases=1", "--set", "localizer.enabled=false",
            "--set", "postprocess.crf.enabled=false", "--conf", "spark.ui.enabled=false", "--conf", "spark.master=local[2]"));
        Path trained = tmp.resolve("trained");
        List<String> a = new ArrayList<>(List.of("pipeline", "--cohort", cohort.toString(), "--run", trained.toString(),
            "--stages", "ingest,preprocess,augment,train"));
        a.addAll(common);
        InspectCommandTest.Run first = InspectCommandTest.run(a.toArray(String[]::new));
        System.out.println(first.err()); // the test's output file keeps the pipeline's log
        assertEquals(0, first.code(), first.err());
        Set<String> goodIds = new HashSet<>();
        for (int i = 0; i < GOOD; i++) {
            goodIds.add(String.format("case_%05d", i));
        }
        Path run = tmp.resolve("segmented");
        List<String> b = new ArrayList<>(List.of("pipeline", "--cohort", cohort.toString(), "--run", run.toString(),
            "--pretrained", trained.resolve("checkpoints").toString()));
        b.addAll(common);
        InspectCommandTest.Run second = InspectCommandTest.run(b.toArray(String[]::new));
        System.out.println(second.err());
        assertEquals(0, second.code(), second.err());
        assertTrue(second.err().contains(kinds.size() + " case(s) failed"), second.err());
        // a cohort whose labelled cases all fail: no valid test case, said on stderr and stdout, exit 3
        Path allBroken = tmp.resolve("all-broken");
        for (String id : List.of("case_00100", "case_00105")) {
            copyTree(cohort.resolve(id), allBroken.resolve(id));
        }
        List<String> c = new ArrayList<>(List.of("pipeline", "--cohort", allBroken.toString(), "--run",
            tmp.resolve("none").toString(), "--pretrained", trained.resolve("checkpoints").toString()));
        c.addAll(common);
        InspectCommandTest.Run none = InspectCommandTest.run(c.toArray(String[]::new));
        assertEquals(PipelineCommand.NO_TEST_CASE, none.code(), none.err());
        assertTrue(none.err().contains("renalseg pipeline: error: no valid test case: none of the 2 labelled case(s)"),
            none.err());
        assertTrue(none.out().contains("\"test_cases\":0") && none.out().contains("\"error\":\"no valid test case"),
            none.out());

        // the pipeline stops its Spark session: the tables are read with a new one
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
        try {
            // the split went to good cases only (3 train, 1 test), none of them broken
            List<Row> split = spark.read().parquet(trained.resolve("tables/cases").toString())
                .where("split is not null").collectAsList();
            assertEquals(GOOD, split.size(), split.toString());
            split.forEach(r -> assertTrue(goodIds.contains(r.getString(0)), r.toString()));

            Map<String, Row> failures = new HashMap<>();
            for (Row r : spark.read().parquet(run.resolve("tables/failures").toString()).collectAsList()) {
                Row prev = failures.put(r.getString(r.fieldIndex("case_id")), r);
                assertTrue(prev == null, "one failures row per case: " + r + " and " + prev);
            }
            assertEquals(kinds.keySet(), failures.keySet(), "exactly the broken cases failed");
            for (Map.Entry<String, Kind> e : kinds.entrySet()) {
                Kind k = e.getValue();
                Row f = failures.get(e.getKey());
                String msg = f.getString(f.fieldIndex("message"));
                assertEquals(k.stage(), f.getString(f.fieldIndex("stage")), k.name() + ": " + msg);
                // the file by name within its case folder, or (for faults of the pair) the case and its label map
                String where = e.getKey() + "/" + Path.of(k.file()).getFileName();
                assertTrue(msg.contains(where) || (msg.contains(e.getKey()) && msg.contains("label map")),
                    k.name() + " names the file: " + msg);
                for (String n : k.named()) {
                    assertTrue(msg.contains(n), k.name() + " names '" + n + "': " + msg);
                }
            }
            // every good case measured: one row per region
            List<Row> metrics = spark.read().parquet(run.resolve("tables/metrics").toString()).collectAsList();
            Map<String, Integer> regions = new HashMap<>();
            metrics.forEach(r -> regions.merge(r.getString(0), 1, Integer::sum));
            assertEquals(goodIds, regions.keySet(), metrics.toString());
            regions.values().forEach(n -> assertEquals(3, n));
        } finally {
            spark.stop();
        }
    }

    private static void assertOneLineNaming(String err, Kind k, String cmd, boolean fault) {
        String line = err.strip();
        assertEquals(1, line.split("\n").length, k.name() + " (" + cmd + "): " + err);
        assertTrue(line.startsWith("renalseg " + cmd + ": error: "), line);
        assertTrue(line.contains(k.file()), k.name() + " (" + cmd + ") names the file: " + line);
        for (String n : fault ? k.named() : List.<String>of()) {
            assertTrue(line.contains(n), k.name() + " (" + cmd + ") names '" + n + "': " + line);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    // ---- bytes ---------------------------------------------------------------------------------------------

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] patch(byte[] raw, Consumer<ByteBuffer> change) {
        byte[] c = raw.clone();
        change.accept(le(c));
        return c;
    }

    /** The image with its first 10 voxels (int16) turned into float32 NaN: datatype 16, the rest kept. */
    static byte[] nanVoxels(byte[] img) {
        ByteBuffer in = le(img);
        int off = (int) in.getFloat(108);
        int n = (img.length - off) / 2;
        byte[] out = Arrays.copyOf(img, off + 4 * n);
        ByteBuffer o = le(out);
        o.putShort(70, (short) 16);
        o.putShort(72, (short) 32);
        for (int i = 0; i < n; i++) {
            o.putFloat(off + 4 * i, i < 10 ? Float.NaN : in.getShort(off + 2 * i));
        }
        return out;
    }

    /** A uint8 label map with its first kidney voxel set to {@code value}. */
    static byte[] labelValue(byte[] seg, int value) {
        byte[] c = seg.clone();
        int off = (int) le(c).getFloat(108);
        for (int i = off; i < c.length; i++) {
            if (c[i] == 1) {
                c[i] = (byte) value;
                return c;
            }
        }
        throw new IllegalStateException("no kidney voxel");
    }

    /** The uint8 label map as float32; its first kidney voxel set to {@code value} (NaN: all kept integral). */
    static byte[] floatLabel(byte[] seg, float value) {
        ByteBuffer in = le(seg);
        int off = (int) in.getFloat(108);
        int n = seg.length - off;
        byte[] out = Arrays.copyOf(seg, off + 4 * n);
        ByteBuffer o = le(out);
        o.putShort(70, (short) 16);
        o.putShort(72, (short) 32);
        boolean done = Float.isNaN(value);
        for (int i = 0; i < n; i++) {
            float v = seg[off + i] & 0xff;
            if (!done && v == 1) {
                v = value;
                done = true;
            }
            o.putFloat(off + 4 * i, v);
        }
        return out;
    }

    /** A NIfTI-2 header (nifti2.h offsets) announcing the given dims of uint8, with 8 voxel bytes. */
    static byte[] nifti2(long nx, long ny, long nz) {
        ByteBuffer h = ByteBuffer.allocate(544 + 8).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0, 540);
        byte[] magic = "n+2\0\r\n\032\n".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < magic.length; i++) {
            h.put(4 + i, magic[i]);
        }
        h.putShort(12, (short) 2);
        h.putShort(14, (short) 8);
        long[] dim = {3, nx, ny, nz, 1, 1, 1, 1};
        for (int i = 0; i < 8; i++) {
            h.putLong(16 + 8 * i, dim[i]);
            h.putDouble(104 + 8 * i, 1);
        }
        h.putLong(168, 544);
        return h.array();
    }

    static byte[] gzip(byte[] raw) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
                gz.write(raw);
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }
}
