package renalseg.localization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import renalseg.postprocessing.components.ComponentLabeller;
import renalseg.postprocessing.components.Connectivity;
import renalseg.roi.KidneySide;
import renalseg.roi.RoiBox;
import renalseg.roi.RoiPlacement;
import renalseg.roi.RoiSettings;
import renalseg.transforms.Resample;
import renalseg.volume.Geometry;

/** From a coarse mask to kidney ROIs on the fine grid: components, sizes, sides, margins, shape rules. */
class LocalizerComponentsTest {

    /** Fine grid 1 x 1 x 2 mm, 80 x 80 x 40; coarse 4 mm: 20 x 20 x 20 (first voxel centres shared). */
    static final Geometry FINE = Geometry.of(80, 80, 40, 1.0, 1.0, 2.0);
    static final Geometry COARSE = Resample.target(FINE, new double[] {4, 4, 4});
    static final RoiSettings ROI = new RoiSettings(30, false, 2, -200, 0.1);

    static LocalizerMeta meta(double marginMm, double minMl) {
        return new LocalizerMeta(1, new double[] {4, 4, 4}, -200, 500, -200, marginMm, minMl,
            new int[] {96, 96, 96}, 0.5);
    }

    static void box(byte[] m, int x0, int y0, int z0, int x1, int y1, int z1) {
        for (int z = z0; z <= z1; z++) {
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    m[COARSE.index(x, y, z)] = 1;
                }
            }
        }
    }

    @Test
    void twoKidneysBecomeTwoRoisWithSidesMarginAndTheLabelRoiShape() {
        assertEquals(20, COARSE.nx());
        assertEquals(20, COARSE.nz());
        byte[] m = new byte[(int) COARSE.voxelCount()];
        box(m, 2, 5, 4, 5, 9, 11);     // small x: patient left; 4 x 5 x 8 = 160 voxels = 10.24 ml
        box(m, 13, 6, 5, 17, 10, 12);  // large x: patient right; 5 x 5 x 8 = 200 voxels = 12.8 ml
        box(m, 10, 17, 17, 10, 17, 17); // one voxel (0.064 ml): dropped as below the minimum
        Localization l = Localizer.fromMask("case_00001", m, COARSE, FINE, meta(3.0, 1.0), ROI, System.nanoTime());
        assertEquals(2, l.placements().size());
        assertEquals(1, l.droppedComponents());
        assertEquals(KidneySide.LEFT, l.placements().get(0).side());
        assertEquals(KidneySide.RIGHT, l.placements().get(1).side());
        assertEquals(10.24, l.kidneys().get(0).ml(), 1e-9);
        assertEquals(12.8, l.kidneys().get(1).ml(), 1e-9);
        // left: coarse x 2..5 -> fine floor(1.5 * 4) - 3 = 3 .. ceil(5.5 * 4) + 3 = 25 (23 voxels, under the
        // 30-voxel window: window 30 centred on [3, 25] -> x0 = floor((3 + 25 + 1 - 30) / 2) = -1)
        RoiBox b = l.placements().get(0).box();
        assertEquals(-1, b.x0());
        assertEquals(30, b.nx());
        // y 5..9 -> floor(4.5 * 4) - 3 = 15 .. 41 (27 voxels) -> window 30 -> y0 = floor((15 + 41 + 1 - 30) / 2) = 13
        assertEquals(13, b.y0());
        assertEquals(30, b.ny());
        // z (ratio 2, margin ceil(3 / 2) = 2): 4..11 -> floor(3.5 * 2) - 2 = 5 .. ceil(11.5 * 2) + 2 = 25,
        // plus the slice margin 2 on each side: z0 = 3, 21 + 4 = 25 slices
        assertEquals(3, b.z0());
        assertEquals(25, b.nz());
        // right: x 13..17 -> floor(12.5 * 4) - 3 = 47 .. 73 (27) -> x0 = floor((47 + 73 + 1 - 30) / 2) = 45
        assertEquals(45, l.placements().get(1).box().x0());
        assertEquals(30, l.placements().get(1).box().nx());
    }

    @Test
    void aLoneKidneyGivesOneRoiSidedAgainstTheVolumeCentre() {
        byte[] m = new byte[(int) COARSE.voxelCount()];
        box(m, 13, 6, 5, 17, 10, 12); // x > centre: RIGHT
        Localization l = Localizer.fromMask("case_00002", m, COARSE, FINE, meta(0, 1.0), ROI, System.nanoTime());
        assertEquals(1, l.placements().size());
        assertTrue(l.singleKidney());
        assertEquals(KidneySide.RIGHT, l.placements().get(0).side());
        assertTrue(l.describe().contains("single kidney"), l.describe());

        byte[] left = new byte[m.length];
        box(left, 1, 6, 5, 4, 10, 12);
        assertEquals(KidneySide.LEFT,
            Localizer.fromMask("c", left, COARSE, FINE, meta(0, 1.0), ROI, 0).placements().get(0).side());
    }

    @Test
    void componentsBelowTheMinimumAndBeyondTheTwoLargestAreDropped() {
        byte[] m = new byte[(int) COARSE.voxelCount()];
        box(m, 1, 1, 1, 3, 3, 3);       // 27 voxels = 1.728 ml
        box(m, 4, 8, 8, 7, 11, 11);     // 64 voxels = 4.096 ml (low side only: no midline split)
        box(m, 15, 15, 15, 18, 18, 17); // 48 voxels = 3.072 ml
        Localization keep2 = Localizer.fromMask("c", m, COARSE, FINE, meta(0, 1.0), ROI, 0);
        assertEquals(2, keep2.placements().size());
        assertEquals(1, keep2.droppedComponents());
        assertEquals(List.of(4.096, 3.072), keep2.kidneys().stream().map(Localization.FoundKidney::ml)
            .sorted((a, b) -> Double.compare(b, a)).toList());
        Localization big = Localizer.fromMask("c", m, COARSE, FINE, meta(0, 3.5), ROI, 0);
        assertEquals(1, big.placements().size());
        assertEquals(4.096, big.kidneys().get(0).ml(), 1e-9);
        Localization none = Localizer.fromMask("c", m, COARSE, FINE, meta(0, 5.0), ROI, 0);
        assertEquals(List.<RoiPlacement>of(), none.placements());
        assertEquals(3, none.droppedComponents());
    }

    @Test
    void diagonalNeighboursJoinButCornerNeighboursDoNot() {
        // 18-connectivity: an edge neighbour (dx, dy) joins the component, a corner neighbour (dx, dy, dz) does not
        byte[] m = new byte[(int) COARSE.voxelCount()];
        // (all on the low side of the midline, coarse x 9.875, so that no midline split takes part)
        box(m, 1, 5, 5, 2, 6, 6);
        box(m, 3, 7, 6, 4, 8, 6);   // shares an edge with (2, 6, 6): same component
        box(m, 5, 9, 7, 6, 10, 8);  // touches (4, 8, 6) only at a corner: separate
        Localization l = Localizer.fromMask("c", m, COARSE, FINE, meta(0, 0.0), ROI, 0);
        assertEquals(2, l.placements().size());
        assertEquals(0, l.droppedComponents());
        assertEquals((8 + 4) * COARSE.voxelMl(), l.kidneys().stream().mapToDouble(Localization.FoundKidney::ml).max()
            .orElseThrow(), 1e-9);
    }

    @Test
    void aComponentBridgingTheMidlineIsCutIntoALeftAndARightKidney() {
        // fine x centre 39.5 mm = coarse x 9.875: coarse x <= 9 lies on the low side, x >= 10 on the high side
        byte[] m = new byte[(int) COARSE.voxelCount()];
        box(m, 2, 5, 4, 5, 9, 11);     // 160 voxels, low side
        box(m, 13, 6, 5, 17, 10, 12);  // 200 voxels, high side
        box(m, 6, 7, 8, 12, 7, 8);     // a one-voxel bridge x 6..12 (the midline vessels): 4 low + 3 high
        assertEquals(1, ComponentLabeller.label(m, COARSE.nx(), COARSE.ny(), COARSE.nz(), Connectivity.EIGHTEEN).count(), "one 18-connected component");
        Localization l = Localizer.fromMask("c", m, COARSE, FINE, meta(0, 1.0), ROI, 0);
        assertEquals(2, l.placements().size(), l.describe());
        assertEquals(0, l.droppedComponents());
        Localization.FoundKidney left = l.kidneys().get(0);
        Localization.FoundKidney right = l.kidneys().get(1);
        assertEquals(KidneySide.LEFT, left.side());
        assertEquals(KidneySide.RIGHT, right.side());
        assertEquals(164 * 0.064, left.ml(), 1e-9);
        assertEquals(203 * 0.064, right.ml(), 1e-9);
        // the cut runs between coarse x 9 and 10
        assertEquals(List.of(2, 5, 4), List.of(left.coarseLo()[0], left.coarseLo()[1], left.coarseLo()[2]));
        assertEquals(List.of(9, 9, 11), List.of(left.coarseHi()[0], left.coarseHi()[1], left.coarseHi()[2]));
        assertEquals(List.of(10, 6, 5), List.of(right.coarseLo()[0], right.coarseLo()[1], right.coarseLo()[2]));
        assertEquals(List.of(17, 10, 12), List.of(right.coarseHi()[0], right.coarseHi()[1], right.coarseHi()[2]));
        assertEquals(KidneySide.LEFT, l.placements().get(0).side());
        assertEquals(KidneySide.RIGHT, l.placements().get(1).side());
        // each ROI covers its piece: left fine x floor(1.5 * 4) = 6 .. ceil(9.5 * 4) = 38, right floor(9.5 * 4)
        // = 38 .. ceil(17.5 * 4) = 70
        RoiBox lb = l.placements().get(0).box();
        assertTrue(lb.x0() <= 6 && lb.x0() + lb.nx() - 1 >= 38, lb.toString());
        RoiBox rb = l.placements().get(1).box();
        assertTrue(rb.x0() <= 38 && rb.x0() + rb.nx() - 1 >= 70, rb.toString());
    }

    @Test
    void aKidneyThatOnlyReachesOverTheMidlineStaysOneKidney() {
        byte[] m = new byte[(int) COARSE.voxelCount()];
        box(m, 10, 6, 5, 14, 10, 12);  // 200 voxels, high side
        box(m, 8, 8, 8, 9, 8, 8);      // 2 voxels (0.128 ml, under the 1 ml minimum) over the midline
        Localization l = Localizer.fromMask("c", m, COARSE, FINE, meta(0, 1.0), ROI, 0);
        assertEquals(1, l.placements().size(), l.describe());
        assertTrue(l.singleKidney());
        assertEquals(KidneySide.RIGHT, l.placements().get(0).side());
        assertEquals(202 * 0.064, l.kidneys().get(0).ml(), 1e-9);
        assertEquals(8, l.kidneys().get(0).coarseLo()[0]);
        assertEquals(0, l.droppedComponents());
        // with 22 voxels (1.408 ml, over the minimum) on the low side it is cut: two kidneys
        box(m, 8, 6, 5, 9, 10, 6);     // x 8..9, y 6..10, z 5..6: 20 more voxels, touching the blob at x 10
        Localization cut = Localizer.fromMask("c", m, COARSE, FINE, meta(0, 1.0), ROI, 0);
        assertEquals(2, cut.placements().size(), cut.describe());
        assertEquals(22 * 0.064, cut.kidneys().get(0).ml(), 1e-9);
        assertEquals(200 * 0.064, cut.kidneys().get(1).ml(), 1e-9);
    }
}
