package renalseg.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import renalseg.config.RenalsegConfig;
import renalseg.roi.KidneyRoi;
import renalseg.roi.KidneySide;
import renalseg.roi.RoiBox;

class AugmentTest {

    /** An ROI (nx=5, ny=4, nz=3) whose voxel (x, y, z) holds x + 10y + 100z, labels by hand. */
    static KidneyRoi small() {
        int nx = 5;
        int ny = 4;
        int nz = 3;
        float[] v = new float[nx * ny * nz];
        byte[] l = new byte[v.length];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    v[x + nx * (y + ny * z)] = x + 10 * y + 100 * z;
                    l[x + nx * (y + ny * z)] = (byte) ((x == 3 && y == 1) ? 2 : (x >= 2 ? 1 : 0));
                }
            }
        }
        return new KidneyRoi("case_00000", KidneySide.LEFT, new RoiBox(7, 8, 9, nx, ny, nz), v, l);
    }

    @Test
    void materializedSampleEqualsAHandComputedCropAndFlip() {
        KidneyRoi roi = small();
        // crop D=2, H=3, W=4 at z0=1, y0=2, x0=-1 (one column and one row past the ROI), flip x and z
        SampleRecord r = new SampleRecord(roi.id(), 1, 2, -1, true, false, true, 7);
        double mean = 0.5;
        float pad = -3f;
        SampleTensor t = new SampleMaterializer(2, 3, 4, mean, pad).materialize(r, roi);
        // by hand: unflipped crop rows, z = 1..2, y = 2..4, x = -1..2; flipped z takes z = 2 first,
        // flipped x reads x = 2, 1, 0, -1
        float p = (float) (pad - mean);
        float[] expect = {
            // d=0 -> z=2
            222 - 0.5f, 221 - 0.5f, 220 - 0.5f, p, // y=2
            232 - 0.5f, 231 - 0.5f, 230 - 0.5f, p, // y=3
            p, p, p, p, // y=4: past the ROI
            // d=1 -> z=1
            122 - 0.5f, 121 - 0.5f, 120 - 0.5f, p,
            132 - 0.5f, 131 - 0.5f, 130 - 0.5f, p,
            p, p, p, p};
        byte[] expectL = {
            1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
            1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
        assertArrayEquals(expect, t.features());
        assertArrayEquals(expectL, t.labels());
        float[] oh = t.oneHot(3);
        assertEquals(1f, oh[0 * 24 + 1]); // voxel 1 is background
        assertEquals(1f, oh[1 * 24 + 0]); // voxel 0 is kidney
        assertEquals(0f, oh[2 * 24 + 0]);
    }

    @Test
    void unflippedCropInsideIsThePlainSubarray() {
        KidneyRoi roi = small();
        SampleTensor t = new SampleMaterializer(1, 2, 2, 0, 0).materialize(
            new SampleRecord(roi.id(), 2, 1, 3, false, false, false, 0), roi);
        assertArrayEquals(new float[] {213, 214, 223, 224}, t.features());
        assertArrayEquals(new byte[] {2, 1, 1, 1}, t.labels());
    }

    static AugmentSettings settings(List<String> overrides) {
        return AugmentSettings.from(RenalsegConfig.load(null, overrides));
    }

    static List<RoiIndex> rois(int count) {
        List<RoiIndex> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int nx = 150;
            int ny = 150;
            int nz = 40 + i % 50; // some shallower than the 64-slice crop, some deeper
            int[] tumor = new int[50];
            int[] kidney = new int[2000];
            for (int k = 0; k < tumor.length; k++) {
                tumor[k] = (70 + k % 5) + nx * (70 + k / 5 % 5 + ny * (20 + k / 25));
            }
            for (int k = 0; k < kidney.length; k++) {
                kidney[k] = (50 + k % 40) + nx * (50 + k / 40 % 40 + ny * 15);
            }
            out.add(new RoiIndex(String.format("case_%05d_%s", i / 2, i % 2 == 0 ? "left" : "right"), nx, ny, nz,
                tumor, kidney));
        }
        return out;
    }

    @Test
    void ninetyThousandRecordsDeterministicAndAsConfigured() {
        AugmentSettings s = settings(List.of());
        assertEquals(90000, s.samples());
        assertEquals(64, s.depth());
        assertEquals(128, s.height());
        assertEquals(128, s.width());
        List<RoiIndex> rois = rois(180);
        long t0 = System.nanoTime();
        List<SampleRecord> m = SampleManifest.generate(rois, s);
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf("manifest of %d records over %d ROIs: %.1f ms%n", m.size(), rois.size(), ms);
        assertEquals(90000, m.size());
        // deterministic, and independent of the order the ROIs come in
        List<RoiIndex> reversed = new ArrayList<>(rois);
        java.util.Collections.reverse(reversed);
        assertEquals(m, SampleManifest.generate(reversed, s));
        assertEquals(m.get(12345), SampleManifest.draw(SampleManifest.sorted(rois), s, 12345));
        assertNotEquals(m, SampleManifest.generate(rois, settings(List.of("augment.seed=7"))));

        int tumorCentred = 0;
        int flippedX = 0;
        for (SampleRecord r : m) {
            RoiIndex ri = rois.stream().filter(x -> x.roiId().equals(r.roiId())).findFirst().orElseThrow();
            // crops stay inside the ROI where it is large enough (in-plane 150 >= 128), and cover the whole
            // depth where it is not
            assertTrue(r.x0() >= 0 && r.x0() + 128 <= 150 && r.y0() >= 0 && r.y0() + 128 <= 150, r.toString());
            if (ri.nz() < 64) {
                assertTrue(r.z0() <= 0 && r.z0() + 64 >= ri.nz(), r.toString());
            } else {
                assertTrue(r.z0() >= 0 && r.z0() + 64 <= ri.nz(), r.toString());
            }
            // a crop centred on the tumor (x 70..74, y 70..74) has its x and y origin at centre - 64
            if (r.x0() >= 70 - 64 && r.x0() <= 74 - 64 && r.y0() >= 6 && r.y0() <= 10) {
                tumorCentred++;
            }
            flippedX += r.flipX() ? 1 : 0;
        }
        // p-tumor = 0.4 (plus the odd random or kidney crop landing at the same origin)
        assertTrue(tumorCentred > 0.38 * m.size() && tumorCentred < 0.45 * m.size(), "tumor " + tumorCentred);
        assertTrue(Math.abs(flippedX - 45000) < 1500, "flips " + flippedX);
    }

    @Test
    void noFlipsWhenNoAxesAndCandidatesAreThinned() {
        AugmentSettings s = settings(List.of("augment.flip-axes=[]", "augment.samples=100"));
        for (SampleRecord r : SampleManifest.generate(rois(3), s)) {
            assertTrue(!r.flipX() && !r.flipY() && !r.flipZ());
        }
        KidneyRoi roi = small();
        RoiIndex all = RoiIndex.of(roi, 100);
        assertArrayEquals(new int[] {3 + 5 * 1, 3 + 5 * (1 + 4), 3 + 5 * (1 + 8)}, all.tumor());
        assertEquals(3 * 4 * 3 - 3, all.kidney().length);
        assertEquals(4, RoiIndex.of(roi, 4).kidney().length);
    }
}
