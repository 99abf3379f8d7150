package renalseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {

    @TempDir
    Path dir;

    /**
     * A NIfTI-1 file written field by field (nifti1.h offsets): 3-D, the given datatype code and voxel
     * bytes, pixdim, scaling and an sform.
     */
    static byte[] nifti1(ByteOrder order, short[] shape, short code, short bitpix, float[] pixdim, float slope,
                         float inter, float[][] srow, byte[] data) {
        ByteBuffer h = ByteBuffer.allocate(352 + data.length).order(order);
        h.putInt(0, 348);
        h.putShort(40, (short) 3);
        for (int i = 0; i < 3; i++) {
            h.putShort(42 + 2 * i, shape[i]);
        }
        h.putShort(70, code);
        h.putShort(72, bitpix);
        h.putFloat(76, 1);
        for (int i = 0; i < 3; i++) {
            h.putFloat(80 + 4 * i, pixdim[i]);
        }
        h.putFloat(108, 352);
        h.putFloat(112, slope);
        h.putFloat(116, inter);
        h.putShort(254, (short) 1);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                h.putFloat(280 + 16 * r + 4 * c, srow[r][c]);
            }
        }
        h.put(344, "n+1\0".getBytes(StandardCharsets.ISO_8859_1));
        h.position(352);
        h.put(data);
        return h.array();
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandRunner.Result r = CommandRunner.run(args);
        return new Run(r.code(), r.out(), r.err());
    }

    @Test
    void printsOneJsonLinePerFileAsNibabelWould() throws Exception {
        // int16 CT, big endian, stored (x, y, z) in LPS with slope 2 / intercept -1024
        ByteBuffer v = ByteBuffer.allocate(2 * 2 * 3 * 2).order(ByteOrder.BIG_ENDIAN);
        short[] raw = {0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100};
        for (short s : raw) {
            v.putShort(s);
        }
        Path ct = dir.resolve("ct.nii");
        Files.write(ct, nifti1(ByteOrder.BIG_ENDIAN, new short[] {2, 2, 3}, (short) 4, (short) 16,
            new float[] {0.75f, 0.75f, 2.5f}, 2f, -1024f,
            new float[][] {{-0.75f, 0, 0, 10}, {0, -0.75f, 0, 20}, {0, 0, 2.5f, 30}}, v.array()));
        // uint8 labels stored slice-first like KiTS19 (IPL)
        byte[] lab = {0, 0, 1, 1, 2, 0, 0, 1};
        Path seg = dir.resolve("seg.nii.gz");
        try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(seg))) {
            gz.write(nifti1(ByteOrder.LITTLE_ENDIAN, new short[] {2, 2, 2}, (short) 2, (short) 8,
                new float[] {3f, 0.8f, 0.8f}, 0f, 0f,
                new float[][] {{0, 0, -0.8f, 0}, {0, -0.8f, 0, 0}, {-3f, 0, 0, 0}}, lab));
        }
        Path bad = dir.resolve("bad.nii");
        Files.writeString(bad, "not a nifti file, only text, long enough to hold a header? no.");

        Run r = run("inspect", ct.toString(), bad.toString(), seg.toString());
        assertEquals(2, r.code());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertTrue(r.err().contains("bad.nii") && r.err().contains("not a NIfTI"), r.err());

        ObjectMapper m = new ObjectMapper();
        JsonNode a = m.readTree(lines[0]);
        assertEquals(ct.toString(), a.get("path").asText());
        assertEquals("[2,2,3]", a.get("shape").toString());
        assertEquals(0.75, a.get("spacing").get(0).asDouble());
        assertEquals(2.5, a.get("spacing").get(2).asDouble());
        assertEquals("int16", a.get("datatype").asText());
        assertEquals(2.0, a.get("scl_slope").asDouble());
        assertEquals(-1024.0, a.get("scl_inter").asDouble());
        assertEquals("LPS", a.get("axcodes").asText());
        // scaled: 2 * raw - 1024 over raw 0..1100: min -1024, max 1176, mean 2 * 550 - 1024 = 76
        assertEquals(-1024.0, a.get("min").asDouble());
        assertEquals(1176.0, a.get("max").asDouble());
        assertEquals(76.0, a.get("mean").asDouble(), 1e-9);
        // 12 distinct integers (<= 16): counted, keyed by the scaled value
        assertEquals(12, a.get("counts").size());
        assertEquals(1, a.get("counts").get("-824").asInt());
        assertEquals(1, a.get("counts").get("1176").asInt());
    }

    @Test
    void countsForLabelMaps() throws Exception {
        byte[] lab = {0, 0, 1, 1, 2, 0, 0, 1};
        Path seg = dir.resolve("seg.nii");
        Files.write(seg, nifti1(ByteOrder.LITTLE_ENDIAN, new short[] {2, 2, 2}, (short) 2, (short) 8,
            new float[] {3f, 0.8f, 0.8f}, 0f, 0f,
            new float[][] {{0, 0, -0.8f, 0}, {0, -0.8f, 0, 0}, {-3f, 0, 0, 0}}, lab));
        Run r = run("inspect", seg.toUri().toString()); // a Hadoop URI (file:) reads the same
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().strip().split("\n").length);
        JsonNode b = new ObjectMapper().readTree(r.out().strip());
        assertEquals("uint8", b.get("datatype").asText());
        assertEquals("IPL", b.get("axcodes").asText());
        assertEquals(0.0, b.get("scl_slope").asDouble());
        assertEquals("{\"0\":4,\"1\":3,\"2\":1}", b.get("counts").toString());
        assertEquals(0.625, b.get("mean").asDouble(), 1e-12);
    }

    @Test
    void noCountsForManyValues() throws Exception {
        ByteBuffer v = ByteBuffer.allocate(20 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 20; i++) {
            v.putFloat(i * 0.5f);
        }
        Path f = dir.resolve("f.nii");
        Files.write(f, nifti1(ByteOrder.LITTLE_ENDIAN, new short[] {5, 4, 1}, (short) 16, (short) 32,
            new float[] {1, 1, 1}, 1f, 0f, new float[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, -1, 0}}, v.array()));
        JsonNode c = new ObjectMapper().readTree(run("inspect", f.toString()).out().strip());
        assertEquals("float32", c.get("datatype").asText());
        assertEquals("RAI", c.get("axcodes").asText());
        assertEquals(4.75, c.get("mean").asDouble(), 1e-12);
        assertEquals(9.5, c.get("max").asDouble());
        assertTrue(!c.has("counts"));
    }

    @Test
    void missingFileIsExitTwo() {
        Run r = run("inspect", dir.resolve("nope.nii.gz").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nope.nii.gz") && r.err().contains("not found"), r.err());
        assertEquals("", r.out());
    }
}
