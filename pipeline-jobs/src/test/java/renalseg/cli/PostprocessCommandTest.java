package renalseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.io.NiftiDatatype;
import renalseg.io.NiftiHeader;
import renalseg.io.NiftiReader;
import renalseg.io.NiftiWriter;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

class PostprocessCommandTest {

    @TempDir
    Path dir;

    private static final float[][] SROW = {{0, -0.75f, 0, 12}, {-0.75f, 0, 0, 8}, {0, 0, 2.5f, -40}};

    // ---- connected components on an int16 file written by "another tool" --------------------------------

    private static final int CX = 10;
    private static final int CY = 6;
    private static final int CZ = 4;

    private static int c(int x, int y, int z) {
        return x + CX * (y + CY * z);
    }

    /**
     * A: a face-connected bar of 3 (labels 1, 2, 1); B: 4 voxels touching only along edges; C: one tumor voxel.
     */
    private static byte[] components() {
        byte[] l = new byte[CX * CY * CZ];
        l[c(0, 0, 0)] = 1;
        l[c(1, 0, 0)] = 2;
        l[c(2, 0, 0)] = 1;
        for (int i = 0; i < 4; i++) {
            l[c(5 + i, i, 0)] = 1;
        }
        l[c(0, 5, 3)] = 2;
        return l;
    }

    private Path int16File(byte[] labels) throws Exception {
        ByteBuffer v = ByteBuffer.allocate(labels.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (byte b : labels) {
            v.putShort(b);
        }
        Path p = dir.resolve("seg_int16.nii");
        Files.write(p, InspectCommandTest.nifti1(ByteOrder.LITTLE_ENDIAN, new short[] {CX, CY, CZ}, (short) 4,
            (short) 16, new float[] {0.75f, 0.75f, 2.5f}, 0f, 0f, SROW, v.array()));
        return p;
    }

    private static byte[] only(byte[] all, int... keepIdx) {
        byte[] out = new byte[all.length];
        for (int i : keepIdx) {
            out[i] = all[i];
        }
        return out;
    }

    @Test
    void keepsLargestComponentsWithTheInputsDatatypeAndAffine() throws Exception {
        byte[] in = components();
        Path p = int16File(in);
        NiftiHeader inHeader = NiftiReader.readHeader(p);
        int[] a = {c(0, 0, 0), c(1, 0, 0), c(2, 0, 0)};
        int[] b = {c(5, 0, 0), c(6, 1, 0), c(7, 2, 0), c(8, 3, 0)};

        // 6-connected: B falls apart, the bar A is largest
        Path out6 = dir.resolve("out6.nii.gz");
        InspectCommandTest.Run r = InspectCommandTest.run("postprocess", "--in", p.toString(), "--out", out6.toString(),
            "--keep", "1", "--connectivity", "6");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(only(in, a), NiftiReader.readLabels(out6).labels());
        NiftiHeader h = NiftiReader.readHeader(out6);
        assertEquals(NiftiDatatype.INT16, h.datatype());
        assertTrue(new Geometry(CX, CY, CZ, h.spacing(), h.affine()).sameGrid(
            new Geometry(CX, CY, CZ, inHeader.spacing(), inHeader.affine()), 1e-6));
        JsonNode row = new ObjectMapper().readTree(r.out().strip());
        assertEquals(5, row.get("voxels_changed").asInt());
        assertEquals("int16", row.get("datatype").asText());

        // 18-connected: B (4) beats A (3)
        Path out18 = dir.resolve("out18.nii");
        r = InspectCommandTest.run("postprocess", "--in", p.toString(), "--out", out18.toString(), "--keep", "1",
            "--connectivity", "18");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(only(in, b), NiftiReader.readLabels(out18).labels());

        // defaults: 18-connected, keep 2 -> A and B, not C
        Path outDefault = dir.resolve("outd.nii");
        r = InspectCommandTest.run("postprocess", "--in", p.toString(), "--out", outDefault.toString());
        assertEquals(0, r.code(), r.err());
        int[] ab = new int[7];
        System.arraycopy(a, 0, ab, 0, 3);
        System.arraycopy(b, 0, ab, 3, 4);
        assertArrayEquals(only(in, ab), NiftiReader.readLabels(outDefault).labels());
    }

    @Test
    void badOptionsAreClearErrors() throws Exception {
        Path p = int16File(components());
        Path out = dir.resolve("o.nii");
        InspectCommandTest.Run r = InspectCommandTest.run("postprocess", "--in", p.toString(), "--out", out.toString(),
            "--connectivity", "8");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("6, 18 or 26"), r.err());
        r = InspectCommandTest.run("postprocess", "--in", p.toString(), "--out", out.toString(), "--crf");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--image"), r.err());
        r = InspectCommandTest.run("postprocess", "--in", dir.resolve("missing.nii").toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing.nii"), r.err());
        assertTrue(Files.notExists(out));
    }

    // ---- CRF on files -----------------------------------------------------------------------------------

    private static final int NX = 14;
    private static final int NY = 14;
    private static final int NZ = 8;

    private static int idx(int x, int y, int z) {
        return x + NX * (y + NY * z);
    }

    private static Geometry crfGrid() {
        double[][] a = {{0.8, 0, 0, -5}, {0, 0.8, 0, -5}, {0, 0, 2.5, 10}, {0, 0, 0, 1}};
        return new Geometry(NX, NY, NZ, new double[] {0.8, 0.8, 2.5}, a);
    }

    @Test
    void crfFillsAHoleAndRemovesAnIsolatedVoxel() throws Exception {
        int n = NX * NY * NZ;
        byte[] truth = new byte[n];
        float[] ct = new float[n];
        for (int z = 0; z < NZ; z++) {
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++) {
                    boolean kidney = x >= 3 && x <= 10 && y >= 3 && y <= 10 && z >= 2 && z <= 5;
                    truth[idx(x, y, z)] = (byte) (kidney ? 1 : 0);
                    ct[idx(x, y, z)] = kidney ? 160 : -100;
                }
            }
        }
        float[][] prob = new float[3][n];
        for (int v = 0; v < n; v++) {
            for (int cl = 0; cl < 3; cl++) {
                prob[cl][v] = truth[v] == cl ? 0.85f : 0.075f;
            }
        }
        int hole = idx(8, 8, 4);
        int isolated = idx(12, 1, 6);
        prob[0][hole] = 0.6f;
        prob[1][hole] = 0.35f;
        prob[2][hole] = 0.05f;
        prob[0][isolated] = 0.35f;
        prob[1][isolated] = 0.6f;
        prob[2][isolated] = 0.05f;
        byte[] argmax = truth.clone();
        argmax[hole] = 0;
        argmax[isolated] = 1;
        Geometry g = crfGrid();
        Path seg = dir.resolve("seg.nii.gz");
        NiftiWriter.write(seg, new LabelVolume(g, argmax));
        Path image = dir.resolve("ct.nii.gz");
        NiftiWriter.write(image, new ImageVolume(g, ct), NiftiDatatype.INT16);
        Path[] pf = new Path[3];
        for (int cl = 0; cl < 3; cl++) {
            pf[cl] = dir.resolve("prob" + cl + ".nii.gz");
            NiftiWriter.write(pf[cl], new ImageVolume(g, prob[cl]), NiftiDatatype.FLOAT32);
        }
        // --keep 0: the CRF alone must fix both voxels
        Path out = dir.resolve("crf.nii.gz");
        InspectCommandTest.Run r = InspectCommandTest.run("postprocess", "--in", seg.toString(), "--out", out.toString(),
            "--keep", "0", "--crf", "--image", image.toString(), "--probabilities", pf[0].toString(),
            "--probabilities", pf[1].toString(), "--probabilities", pf[2].toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(truth, NiftiReader.readLabels(out).labels());
        assertEquals(NiftiDatatype.UINT8, NiftiReader.readHeader(out).datatype());
        assertEquals(2, new ObjectMapper().readTree(r.out().strip()).get("voxels_changed").asInt());
        // kidney and tumor maps only: background is 1 - their sum, the same result
        Path out2 = dir.resolve("crf2.nii");
        r = InspectCommandTest.run("postprocess", "--in", seg.toString(), "--out", out2.toString(), "--keep", "0",
            "--crf", "--image", image.toString(), "--probabilities", pf[1].toString(), "--probabilities",
            pf[2].toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(truth, NiftiReader.readLabels(out2).labels());
        // a probability map on another grid is refused, naming the file
        Path wrong = dir.resolve("wrong.nii");
        NiftiWriter.write(wrong, new ImageVolume(Geometry.of(NX, NY, NZ - 1, 0.8, 0.8, 2.5),
            new float[NX * NY * (NZ - 1)]), NiftiDatatype.FLOAT32);
        r = InspectCommandTest.run("postprocess", "--in", seg.toString(), "--out", dir.resolve("x.nii").toString(),
            "--crf", "--image", image.toString(), "--probabilities", wrong.toString(), "--probabilities",
            pf[2].toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("wrong.nii"), r.err());
    }
}
