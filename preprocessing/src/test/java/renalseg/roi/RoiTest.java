package renalseg.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import renalseg.config.RenalsegConfig;
import renalseg.transforms.HuWindow;
import renalseg.transforms.PreprocessSettings;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;
import renalseg.volume.Reorientation;

class RoiTest {

    static final RoiSettings DEFAULT = RoiSettings.from(RenalsegConfig.defaults());
    static final HuWindow WINDOW = new HuWindow(-200, 500);

    /** Fills an axis-aligned box of a canonical-grid label array. */
    static void fill(byte[] l, Geometry g, int x0, int x1, int y0, int y1, int z0, int z1, int label) {
        for (int z = z0; z <= z1; z++) {
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    l[g.index(x, y, z)] = (byte) label;
                }
            }
        }
    }

    /** HU values that encode the position, within the window, so crops can be checked voxel by voxel. */
    static ImageVolume huRamp(Geometry g) {
        float[] v = new float[Math.toIntExact(g.voxelCount())];
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    v[g.index(i, j, k)] = -150 + (i + 2 * j + 3 * k) % 600;
                }
            }
        }
        return new ImageVolume(g, v);
    }

    @Test
    void twoKidneysSortedBySideWithEveryLabelledVoxel() {
        Geometry g = Geometry.of(120, 90, 30, 0.8, 0.8, 2.5); // RAS: x grows to the patient's right
        byte[] l = new byte[Math.toIntExact(g.voxelCount())];
        fill(l, g, 10, 29, 40, 60, 8, 20, 1); // smaller x: patient left
        fill(l, g, 15, 20, 45, 50, 12, 15, 2); // tumor inside it
        fill(l, g, 90, 105, 35, 55, 5, 18, 1); // right kidney
        fill(l, g, 33, 34, 62, 63, 22, 23, 1); // a stray piece, not connected (x gap of 3)
        LabelVolume labels = new LabelVolume(g, l);
        ImageVolume img = huRamp(g);
        List<RoiPlacement> p = new LabelRoiSource(DEFAULT).place("case_00000", img, labels);
        assertEquals(2, p.size());
        assertEquals(KidneySide.LEFT, p.get(0).side());
        assertEquals(KidneySide.RIGHT, p.get(1).side());
        RoiBox left = p.get(0).box();
        // 150 x 150 centred on the kidney (+ stray piece: x 10..34, y 40..63); slices 8..23 plus 4
        assertEquals(150, left.nx());
        assertEquals(150, left.ny());
        assertEquals(Math.floorDiv(10 + 34 + 1 - 150, 2), left.x0());
        assertEquals(Math.floorDiv(40 + 63 + 1 - 150, 2), left.y0());
        assertEquals(8 - 4, left.z0());
        assertEquals(23 - 8 + 1 + 8, left.nz());

        List<KidneyRoi> rois = Rois.extract("case_00000", img, labels, p, WINDOW, -200);
        KidneyRoi lr = rois.get(0);
        assertEquals("case_00000_left", lr.id());
        // every labelled voxel of the left kidney (x < 60) is in the left ROI, at its place
        int inLeft = 0;
        for (int z = 0; z < g.nz(); z++) {
            for (int y = 0; y < g.ny(); y++) {
                for (int x = 0; x < 60; x++) {
                    int v = l[g.index(x, y, z)];
                    if (v != 0) {
                        inLeft++;
                        assertEquals(v, lr.labels()[left.index(x - left.x0(), y - left.y0(), z - left.z0())]);
                    }
                }
            }
        }
        assertEquals(20 * 21 * 13 + 2 * 2 * 2, inLeft);
        // the window may also show part of the other kidney: the ROI's labels are exactly the volume's
        // labelled voxels inside the box (brute force over the volume)
        int inBox = 0;
        for (int z = 0; z < g.nz(); z++) {
            for (int y = 0; y < g.ny(); y++) {
                for (int xx = 0; xx < g.nx(); xx++) {
                    boolean in = xx >= left.x0() && xx < left.x0() + left.nx() && y >= left.y0()
                        && y < left.y0() + left.ny() && z >= left.z0() && z < left.z0() + left.nz();
                    inBox += in && l[g.index(xx, y, z)] != 0 ? 1 : 0;
                }
            }
        }
        int roiLabelled = 0;
        for (byte b : lr.labels()) {
            roiLabelled += b != 0 ? 1 : 0;
        }
        assertEquals(inBox, roiLabelled);
        // a voxel inside the volume holds the windowed HU; one beyond holds the pad value (scaled -200 = 0)
        int x = 12;
        int y = 41;
        int z = 9;
        assertEquals(WINDOW.scale(img.get(x, y, z)), lr.voxels()[left.index(x - left.x0(), y - left.y0(), z - left.z0())]);
        assertEquals(0f, lr.voxels()[left.index(0, 0, 0)]); // x0 < 0: beyond the volume
        assertEquals(0, lr.labels()[left.index(0, 0, 0)]);
    }

    @Test
    void loneKidneySideFromTheVolumeCentreAndMmWindow() {
        Geometry g = Geometry.of(100, 100, 10, 0.5, 0.5, 3);
        byte[] l = new byte[Math.toIntExact(g.voxelCount())];
        fill(l, g, 70, 80, 40, 50, 2, 5, 1); // x above the centre: patient right
        fill(l, g, 10, 10, 10, 10, 2, 2, 1); // a tiny speck on the other side (< 10% of the kidney)
        RoiSettings mm = RoiSettings.from(RenalsegConfig.load(null, List.of("roi.unit=mm", "roi.in-plane=40",
            "roi.slice-margin=0")));
        List<RoiPlacement> p = new LabelRoiSource(mm).place("c", huRamp(g), new LabelVolume(g, l));
        assertEquals(1, p.size());
        assertEquals(KidneySide.RIGHT, p.get(0).side());
        RoiBox b = p.get(0).box();
        // 40 mm at 0.5 mm = 80 voxels, widened to hold the speck: x 10..80 is 71 < 80, y 10..50 is 41
        assertEquals(80, b.nx());
        assertEquals(80, b.ny());
        assertTrue(b.x0() <= 10 && b.x0() + b.nx() > 80);
        assertEquals(2, b.z0());
        assertEquals(4, b.nz());
    }

    @Test
    void windowWidensForAKidneyLargerThanIt() {
        Geometry g = Geometry.of(200, 40, 4, 1, 1, 1);
        byte[] l = new byte[Math.toIntExact(g.voxelCount())];
        fill(l, g, 5, 184, 10, 20, 1, 2, 1);
        RoiBox b = new LabelRoiSource(DEFAULT).place("c", huRamp(g), new LabelVolume(g, l)).get(0).box();
        assertEquals(180, b.nx());
        assertEquals(5, b.x0());
    }

    @Test
    void lpsFileSidesAndPasteBackIntoTheSourceSpace() {
        // LPS storage (as DICOM-derived files): array index i grows towards the patient's LEFT
        double[][] lps = {{-0.8, 0, 0, 40}, {0, -0.8, 0, 30}, {0, 0, 2.5, -50}, {0, 0, 0, 1}};
        Geometry g = new Geometry(100, 80, 20, new double[] {0.8, 0.8, 2.5}, lps);
        byte[] l = new byte[Math.toIntExact(g.voxelCount())];
        fill(l, g, 70, 85, 30, 45, 5, 12, 1); // large i: patient left
        fill(l, g, 75, 78, 33, 36, 7, 8, 2);
        fill(l, g, 5, 20, 30, 50, 4, 14, 1); // small i: patient right
        LabelVolume labels = new LabelVolume(g, l);
        CasePreprocessor cp = new CasePreprocessor(PreprocessSettings.from(RenalsegConfig.defaults()), DEFAULT,
            new LabelRoiSource(DEFAULT));
        PreparedCase pc = cp.prepare("case_00007", huRamp(g), labels);
        assertEquals(2, pc.rois().size());
        KidneyRoi left = pc.rois().get(0);
        assertEquals(KidneySide.LEFT, left.side());
        int tumor = voxelsLabelled(left.labels(), 2);
        assertEquals(4 * 4 * 2, tumor); // the tumor is in the left kidney's ROI
        List<byte[]> results = new ArrayList<>();
        for (KidneyRoi r : pc.rois()) {
            results.add(r.labels());
        }
        LabelVolume back = pc.pasteToSource(results);
        assertEquals(g, back.geometry());
        assertArrayEquals(l, back.labels());
    }

    @Test
    void kits19OrientedCaseRoundTrips() {
        double[][] ipl = {{0, 0, -0.78, 0}, {0, -0.78, 0, 0}, {-3, 0, 0, 0}, {0, 0, 0, 1}};
        Geometry g = new Geometry(16, 60, 70, new double[] {3, 0.78, 0.78}, ipl); // (z, y, x)
        byte[] l = new byte[Math.toIntExact(g.voxelCount())];
        fill(l, g, 3, 9, 20, 40, 5, 20, 1);
        fill(l, g, 4, 12, 20, 40, 45, 60, 1);
        fill(l, g, 5, 6, 25, 28, 50, 52, 2);
        CasePreprocessor cp = new CasePreprocessor(PreprocessSettings.from(RenalsegConfig.defaults()), DEFAULT,
            new LabelRoiSource(DEFAULT));
        PreparedCase pc = cp.prepare("case_00001", huRamp(g), new LabelVolume(g, l));
        assertEquals(Reorientation.of(g).canonical(), pc.processing());
        assertArrayEquals(new int[] {70, 60, 16}, pc.processing().shape());
        // array axis 2 of IPL runs to the patient's left: x index 45..60 is more left than 5..20
        KidneyRoi left = pc.rois().get(0);
        assertEquals(KidneySide.LEFT, left.side());
        boolean hasTumor = false;
        for (byte b : left.labels()) {
            hasTumor |= b == 2;
        }
        assertTrue(hasTumor);
        assertArrayEquals(l, pc.pasteToSource(pc.rois().stream().map(KidneyRoi::labels).toList()).labels());
    }

    @Test
    void codecRoundTripsAndCompresses() {
        Geometry g = Geometry.of(60, 50, 12, 1, 1, 1);
        byte[] l = new byte[Math.toIntExact(g.voxelCount())];
        fill(l, g, 10, 20, 10, 20, 2, 6, 1);
        List<KidneyRoi> rois = Rois.extract("case_00003", huRamp(g), new LabelVolume(g, l),
            new LabelRoiSource(DEFAULT).place("case_00003", huRamp(g), new LabelVolume(g, l)), WINDOW, -200);
        KidneyRoi r = rois.get(0);
        byte[] enc = RoiCodec.encode(r);
        KidneyRoi d = RoiCodec.decode(enc);
        assertEquals(r.caseId(), d.caseId());
        assertEquals(r.side(), d.side());
        assertEquals(r.box(), d.box());
        assertArrayEquals(r.voxels(), d.voxels());
        assertArrayEquals(r.labels(), d.labels());
        long raw = r.voxels().length * 5L;
        assertTrue(enc.length < raw / 3, "compressed " + enc.length + " of " + raw);
        KidneyRoi unlabelled = new KidneyRoi("x", KidneySide.LEFT, new RoiBox(0, 0, 0, 2, 1, 1), new float[] {1, 2}, null);
        assertNull(RoiCodec.decode(RoiCodec.encode(unlabelled)).labels());
        byte[] cut = java.util.Arrays.copyOf(RoiCodec.encodeFloats(r.voxels()), 40);
        assertThrows(IllegalArgumentException.class, () -> RoiCodec.decodeFloats(cut));
    }

    /** Voxels with label {@code label} (tests of what landed in an ROI). */
    static int voxelsLabelled(byte[] labels, int label) {
        int n = 0;
        for (byte b : labels) {
            n += b == label ? 1 : 0;
        }
        return n;
    }
}
