package renalseg.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.io.NiftiDatatype;
import renalseg.io.NiftiImage;
import renalseg.io.NiftiReader;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;
import renalseg.volume.Reorientation;

class SyntheticCohortTest {

    /** The raw bytes of a gzipped NIfTI file, parsed here by hand (independent of the project's reader). */
    private static ByteBuffer gunzip(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    @Test
    void writesKits19LayoutWithSliceFirstArraysAndIplAffine(@TempDir Path dir) throws IOException {
        List<Phantom> drawn = SyntheticCohort.write(dir, 2, 7, PhantomSize.SMALL);
        assertEquals(2, drawn.size());
        for (int c = 0; c < 2; c++) {
            Path caseDir = dir.resolve(String.format("case_%05d", c));
            ByteBuffer img = gunzip(caseDir.resolve("imaging.nii.gz"));
            ByteBuffer seg = gunzip(caseDir.resolve("segmentation.nii.gz"));
            for (ByteBuffer b : List.of(img, seg)) {
                assertEquals(348, b.getInt(0));
                assertEquals('n', b.get(344));
                assertEquals('+', b.get(345));
                assertEquals('1', b.get(346));
                // KiTS19 shape: slices first
                assertEquals(3, b.getShort(40));
                assertEquals(32, b.getShort(42));
                assertEquals(96, b.getShort(44));
                assertEquals(96, b.getShort(46));
                assertEquals(1, b.getShort(254), "sform_code");
                // srow_x = (0, 0, -sx, .), srow_y = (0, -sy, 0, .), srow_z = (-sz, 0, 0, .): axcodes I, P, L
                float sz = b.getFloat(80);
                float sy = b.getFloat(84);
                float sx = b.getFloat(88);
                assertEquals(-sx, b.getFloat(280 + 8), 1e-6);
                assertEquals(-sy, b.getFloat(296 + 4), 1e-6);
                assertEquals(-sz, b.getFloat(312), 1e-6);
                assertEquals(0f, b.getFloat(280), 0f);
                assertEquals(0f, b.getFloat(312 + 8), 0f);
                assertTrue(sx >= 0.6f && sx <= 0.8f, "in-plane spacing " + sx);
                assertEquals(sx, sy, 0f);
                assertTrue(sz >= 1f && sz <= 5f, "slice spacing " + sz);
            }
            assertEquals(4, img.getShort(70), "int16");
            assertEquals(2, seg.getShort(70), "uint8");
            int n = 32 * 96 * 96;
            int off = (int) img.getFloat(108);
            short min = Short.MAX_VALUE;
            short max = Short.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                short v = img.getShort(off + 2 * i);
                min = (short) Math.min(min, v);
                max = (short) Math.max(max, v);
            }
            assertTrue(min < -900 && min > -1200, "air near -1000 HU, min " + min);
            assertTrue(max > 400 && max < 1200, "bone and contrast, max " + max);
            int soff = (int) seg.getFloat(108);
            int[] counts = new int[256];
            for (int i = 0; i < n; i++) {
                counts[seg.get(soff + i) & 0xff]++;
            }
            assertTrue(counts[1] > 1000, "kidney voxels");
            assertEquals(n, counts[0] + counts[1] + counts[2], "labels are 0, 1, 2 only");
            assertEquals(drawn.get(c).hasTumor(), counts[2] > 0);
        }
    }

    @Test
    void sameSeedSameCohortOtherSeedOtherCohort() {
        Phantom a = PhantomGenerator.generate(5, 3, PhantomSize.SMALL);
        Phantom b = PhantomGenerator.generate(5, 3, PhantomSize.SMALL);
        Phantom c = PhantomGenerator.generate(6, 3, PhantomSize.SMALL);
        assertArrayEquals(a.image().voxels(), b.image().voxels());
        assertArrayEquals(a.labels().labels(), b.labels().labels());
        assertFalse(Arrays.equals(a.image().voxels(), c.image().voxels()));
    }

    @Test
    void standardCohortsVaryLikeClinicalOnesAndReadBackExactly(@TempDir Path dir) throws IOException {
        // header variants are drawn without painting anything: over 24 cases every kind appears
        Set<String> axcodes = new HashSet<>();
        Set<NiftiDatatype> images = new HashSet<>();
        Set<NiftiDatatype> labelTypes = new HashSet<>();
        Set<Double> uint16Slopes = new HashSet<>();
        for (int i = 0; i < 24; i++) {
            HeaderVariant h = SyntheticCohort.variant(3, i, PhantomSize.STANDARD);
            if (h.image() == NiftiDatatype.UINT16) {
                uint16Slopes.add(h.slope());
            }
            axcodes.add(h.axcodes());
            images.add(h.image());
            labelTypes.add(h.labels());
        }
        assertEquals(Set.of("IPL", "RAS", "LPS", "LPI"), axcodes);
        assertEquals(Set.of(NiftiDatatype.INT16, NiftiDatatype.UINT16, NiftiDatatype.FLOAT32), images);
        assertEquals(Set.of(NiftiDatatype.UINT8, NiftiDatatype.FLOAT32), labelTypes);
        assertEquals(Set.of(1.0, 0.5), uint16Slopes);

        int cases = 6;
        int maxSlices = 32; // keeps the test small: thick slices only
        List<Phantom> drawn = SyntheticCohort.write(dir, cases, 3, PhantomSize.STANDARD, maxSlices, null);
        int withTumor = 0;
        Set<Double> fovs = new HashSet<>();
        Set<String> written = new HashSet<>();
        for (int i = 0; i < cases; i++) {
            Path caseDir = dir.resolve(PhantomGenerator.caseId(i));
            NiftiImage img = NiftiReader.read(caseDir.resolve(SyntheticCohort.IMAGE));
            HeaderVariant h = SyntheticCohort.variant(3, i, PhantomSize.STANDARD);
            assertEquals(h.axcodes(), img.header().axcodes(), "case " + i);
            assertEquals(h.image(), img.header().datatype());
            assertEquals(h.inter(), img.header().inter(), 0);
            assertEquals(h.slope(), img.header().slope(), 0);
            written.add(h.axcodes());
            written.add(h.image().label);
            written.add("labels " + h.labels().label);
            LabelVolume lab = NiftiReader.readLabels(caseDir.resolve(SyntheticCohort.LABELS));
            // back in canonical order, the files hold exactly what the generator painted
            Phantom p = PhantomGenerator.generate(3, i, PhantomSize.STANDARD, maxSlices);
            Reorientation r = Reorientation.of(img.volume().geometry());
            // (delta 0: the generator's rint may give -0.0, which int16 stores as 0)
            assertArrayEquals(p.image().voxels(), r.toCanonical(img.volume()).voxels(), 0f, "case " + i);
            assertArrayEquals(p.labels().labels(), r.toCanonical(lab).labels());
            assertArrayEquals(p.image().geometry().toWorld(3, 5, 7), r.canonical().toWorld(3, 5, 7), 1e-3);

            Geometry g = p.image().geometry();
            double[] sp = g.spacing();
            assertEquals(512, g.nx());
            assertEquals(512, g.ny());
            double fov = 512 * sp[0];
            assertTrue(fov >= 300 && fov <= 450, "field of view " + fov);
            fovs.add(Math.floor(fov / 25));
            assertTrue(sp[2] >= 0.5 && sp[2] <= 5, "slice spacing " + sp[2]);
            assertTrue(g.nz() >= 30 && g.nz() <= maxSlices, "slices " + g.nz());
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float v : p.image().voxels()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertTrue(min > -1200 && min < -850, "air, min " + min);
            assertTrue(max > 250 && max < 1300, "contrast and bone, max " + max);
            long[] counts = new long[3];
            for (byte b : p.labels().labels()) {
                counts[b]++;
            }
            double kidneyMl = (counts[1] + counts[2]) * g.voxelMl();
            // two kidneys of 80-280 ml, cysts and tumor added; a short scan may cut off a pole
            assertTrue(kidneyMl > 50 * p.kidneys() && kidneyMl < 900, "kidney and tumor " + kidneyMl + " ml, case " + i);
            assertEquals(p.hasTumor(), counts[2] > 0);
            if (p.hasTumor()) {
                withTumor++;
                double tumorMl = counts[2] * g.voxelMl();
                assertTrue(tumorMl > 0.2 && tumorMl < 330, "tumor " + tumorMl + " ml, case " + i);
            }
            assertEquals(drawn.get(i).hasTumor(), p.hasTumor());
        }
        assertTrue(withTumor >= cases / 2, "most cases have a tumor: " + withTumor);
        assertTrue(fovs.size() >= 3, "fields of view vary: " + fovs);
        // the exact read-back above covered these header variants
        assertTrue(written.containsAll(Set.of("IPL", "RAS", "LPS", "int16", "uint16", "float32", "labels uint8",
            "labels float32")), written.toString());
    }

    @Test
    void mostSmallPhantomsHaveATumorLargeEnoughToSegment() {
        int withTumor = 0;
        int cases = 24;
        for (int i = 0; i < cases; i++) {
            Phantom p = PhantomGenerator.generate(7, i, PhantomSize.SMALL);
            long tumor = 0;
            for (byte b : p.labels().labels()) {
                tumor += b == 2 ? 1 : 0;
            }
            assertEquals(p.hasTumor(), tumor > 0);
            if (p.hasTumor()) {
                withTumor++;
                assertTrue(tumor >= 100, "case " + i + ": " + tumor + " tumor voxels");
            }
        }
        assertTrue(withTumor >= 20, withTumor + " of " + cases);
    }

    @Test
    void kits19RemapKeepsEveryVoxelAtItsWorldPosition() {
        Geometry g = new Geometry(2, 3, 4, new double[] {0.7, 0.8, 2.5}, new double[][] {
            {0.7, 0, 0, -10}, {0, 0.8, 0, 5}, {0, 0, 2.5, 100}, {0, 0, 0, 1}});
        float[] v = new float[24];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        ImageVolume k = SyntheticCohort.toKits19(new ImageVolume(g, v));
        Geometry kg = k.geometry();
        assertArrayEquals(new int[] {4, 3, 2}, kg.shape());
        for (int x = 0; x < 2; x++) {
            for (int y = 0; y < 3; y++) {
                for (int z = 0; z < 4; z++) {
                    int a = 3 - z;
                    int b = 2 - y;
                    int c = 1 - x;
                    assertEquals(v[g.index(x, y, z)], k.voxels()[kg.index(a, b, c)]);
                    assertArrayEquals(g.toWorld(x, y, z), kg.toWorld(a, b, c), 1e-9);
                }
            }
        }
        LabelVolume l = SyntheticCohort.toKits19(new LabelVolume(g, new byte[24]));
        assertEquals(kg, l.geometry());
    }
}
