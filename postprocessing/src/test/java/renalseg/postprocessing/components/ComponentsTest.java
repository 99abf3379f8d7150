package renalseg.postprocessing.components;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;
import renalseg.volume.Geometry;
import renalseg.volume.LabelVolume;

class ComponentsTest {

    private static final int NX = 20;
    private static final int NY = 9;
    private static final int NZ = 9;

    private static int idx(int x, int y, int z) {
        return x + NX * (y + NY * z);
    }

    /**
     * A face-connected bar of 5 voxels (labels 1,1,2,2,1), a chain of 7 voxels that touch only along edges,
     * and a chain of 8 voxels that touch only at corners; no two of the three touch each other.
     */
    private static byte[] threeShapes() {
        byte[] v = new byte[NX * NY * NZ];
        byte[] bar = {1, 1, 2, 2, 1};
        for (int x = 0; x < 5; x++) {
            v[idx(x, 0, 0)] = bar[x];
        }
        for (int i = 0; i < 7; i++) {
            v[idx(8 + i, i, 0)] = 1;                  // steps (+1, +1, 0): shared edge
        }
        for (int i = 0; i < 8; i++) {
            v[idx(12 + i, 1 + i, 1 + i)] = (byte) (i % 2 == 0 ? 2 : 1); // steps (+1, +1, +1): shared corner
        }
        return v;
    }

    @Test
    void sixEighteenAndTwentySixDiffer() {
        byte[] v = threeShapes();
        ComponentLabels c6 = ComponentLabeller.label(v, NX, NY, NZ, Connectivity.SIX);
        ComponentLabels c18 = ComponentLabeller.label(v, NX, NY, NZ, Connectivity.EIGHTEEN);
        ComponentLabels c26 = ComponentLabeller.label(v, NX, NY, NZ, Connectivity.TWENTY_SIX);
        assertEquals(1 + 7 + 8, c6.count());
        assertEquals(1 + 1 + 8, c18.count());
        assertEquals(3, c26.count());
        assertEquals(5, c6.sizes()[c6.labels()[idx(0, 0, 0)]]);
        assertEquals(7, c18.sizes()[c18.labels()[idx(8, 0, 0)]]);
        assertEquals(8, c26.sizes()[c26.labels()[idx(12, 1, 1)]]);
        assertEquals(1, c18.sizes()[c18.labels()[idx(12, 1, 1)]]);
        // numbering: raster order of first appearance; the bar's first voxel is index 0
        assertEquals(1, c26.labels()[idx(0, 0, 0)]);
        assertEquals(2, c26.labels()[idx(8, 0, 0)]);
        assertEquals(3, c26.labels()[idx(12, 1, 1)]);
    }

    @Test
    void keepLargestDependsOnConnectivityAndKeepsLabels() {
        byte[] v = threeShapes();
        // 6: only the bar is larger than one voxel
        byte[] k6 = LargestComponents.keep(v, NX, NY, NZ, 1, Connectivity.SIX);
        assertEquals(5, count(k6));
        assertArrayEquals(new byte[] {1, 1, 2, 2, 1}, java.util.Arrays.copyOf(k6, 5));
        // 18: the edge chain (7) beats the bar (5)
        byte[] k18 = LargestComponents.keep(v, NX, NY, NZ, 1, Connectivity.EIGHTEEN);
        assertEquals(7, count(k18));
        assertEquals(1, k18[idx(14, 6, 0)]);
        assertEquals(0, k18[idx(0, 0, 0)]);
        // 26: the corner chain (8), alternating labels 2,1,2,... preserved
        byte[] k26 = LargestComponents.keep(v, NX, NY, NZ, 1, Connectivity.TWENTY_SIX);
        assertEquals(8, count(k26));
        for (int i = 0; i < 8; i++) {
            assertEquals(v[idx(12 + i, 1 + i, 1 + i)], k26[idx(12 + i, 1 + i, 1 + i)]);
        }
        // keep 2 with 26: corner chain and edge chain, not the bar
        byte[] k26two = LargestComponents.keep(v, NX, NY, NZ, 2, Connectivity.TWENTY_SIX);
        assertEquals(15, count(k26two));
        assertEquals(0, k26two[idx(2, 0, 0)]);
        // keep more than exist: everything stays
        assertArrayEquals(v, LargestComponents.keep(v, NX, NY, NZ, 5, Connectivity.TWENTY_SIX));
        // the input is not modified
        assertEquals(20, count(v));
    }

    @Test
    void wholeVolumeKeepsTwoKidneysAndDropsOtherLabels() {
        Geometry g = Geometry.of(10, 4, 3, 0.8, 0.8, 2.5);
        byte[] l = new byte[g.nx() * g.ny() * g.nz()];
        // left "kidney" 4 voxels at x 0..1, right 3 voxels (one tumor) at x 7..8, one stray voxel at x 4
        l[g.index(0, 0, 0)] = 1;
        l[g.index(1, 0, 0)] = 1;
        l[g.index(0, 1, 0)] = 2;
        l[g.index(0, 1, 1)] = 1;
        l[g.index(7, 2, 2)] = 1;
        l[g.index(8, 2, 2)] = 2;
        l[g.index(8, 3, 2)] = 1;
        l[g.index(4, 0, 2)] = 2;
        l[g.index(4, 3, 0)] = 3;   // not kidney-or-tumor: cleared, never counted as a component
        LabelVolume out = LargestComponents.keep(new LabelVolume(g, l), 2, Connectivity.EIGHTEEN);
        byte[] expected = l.clone();
        expected[g.index(4, 0, 2)] = 0;
        expected[g.index(4, 3, 0)] = 0;
        assertArrayEquals(expected, out.labels());
        assertEquals(g, out.geometry());
    }

    @Test
    void tiesKeepTheComponentMetFirst() {
        byte[] v = new byte[5];
        v[0] = 1;
        v[2] = 2;
        v[4] = 1;
        assertArrayEquals(new byte[] {1, 0, 0, 0, 0}, LargestComponents.keep(v, 5, 1, 1, 1, Connectivity.SIX));
        assertArrayEquals(new byte[] {1, 0, 2, 0, 0}, LargestComponents.keep(v, 5, 1, 1, 2, Connectivity.SIX));
    }

    @Test
    void kidneyRoiKeepsTheComponentAtItsCentreNotTheLargest() {
        int nx = 20;
        int ny = 20;
        int nz = 10;
        byte[] v = new byte[nx * ny * nz];
        // an organ painted in a corner: 8 x 8 x 10 = 640 voxels, of which x, y in 5..7 and z in 2..7 = 54 in the centre
        fill(v, nx, ny, 0, 7, 0, 7, 0, 9, (byte) 1);
        // the kidney in the middle with its tumor: 4 x 4 x 4 = 64 voxels, all in the centre
        fill(v, nx, ny, 10, 13, 10, 13, 3, 6, (byte) 1);
        fill(v, nx, ny, 10, 13, 10, 13, 6, 6, (byte) 2);
        int[] lo = {5, 5, 2};
        int[] hi = {15, 15, 8};
        byte[] want = new byte[v.length];
        fill(want, nx, ny, 10, 13, 10, 13, 3, 6, (byte) 1);
        fill(want, nx, ny, 10, 13, 10, 13, 6, 6, (byte) 2);
        assertArrayEquals(want, LargestComponents.keepCentral(v, nx, ny, nz, lo, hi, Connectivity.EIGHTEEN));
        // the largest alone keeps the organ
        assertEquals(640, count(LargestComponents.keep(v, nx, ny, nz, 1, Connectivity.EIGHTEEN)));
        // nothing in the centre: the largest
        int[] none = {18, 18, 0};
        int[] noneHi = {20, 20, 10};
        assertEquals(640, count(LargestComponents.keepCentral(v, nx, ny, nz, none, noneHi, Connectivity.EIGHTEEN)));
        // equal counts in the centre (x, y in 6..11 at z 3: 2 x 2 of the organ, 2 x 2 of the kidney): the larger
        int[] both = {6, 6, 3};
        int[] bothHi = {12, 12, 4};
        assertEquals(4, countIn(v, nx, ny, 6, 7, 6, 7, 3, 3));
        assertEquals(4, countIn(v, nx, ny, 10, 11, 10, 11, 3, 3));
        assertEquals(8, countIn(v, nx, ny, 6, 11, 6, 11, 3, 3));
        assertEquals(640, count(LargestComponents.keepCentral(v, nx, ny, nz, both, bothHi, Connectivity.EIGHTEEN)));
        // no component at all: all background
        assertArrayEquals(new byte[v.length],
            LargestComponents.keepCentral(new byte[v.length], nx, ny, nz, lo, hi, Connectivity.EIGHTEEN));
    }

    private static void fill(byte[] v, int nx, int ny, int x0, int x1, int y0, int y1, int z0, int z1, byte label) {
        for (int z = z0; z <= z1; z++) {
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    v[(z * ny + y) * nx + x] = label;
                }
            }
        }
    }

    private static int countIn(byte[] v, int nx, int ny, int x0, int x1, int y0, int y1, int z0, int z1) {
        int n = 0;
        for (int z = z0; z <= z1; z++) {
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    n += v[(z * ny + y) * nx + x] != 0 ? 1 : 0;
                }
            }
        }
        return n;
    }

    @Test
    void rowsDoNotWrapAround() {
        // (nx-1, 0, 0) and (0, 1, 0) are adjacent in memory but not in space; same for the last row of a
        // slice and the first row of the next
        int nx = 4;
        int ny = 3;
        int nz = 2;
        byte[] rows = new byte[nx * ny * nz];
        rows[nx - 1] = 1;                   // (3, 0, 0)
        rows[nx] = 1;                       // (0, 1, 0)
        assertEquals(2, ComponentLabeller.label(rows, nx, ny, nz, Connectivity.TWENTY_SIX).count());
        byte[] slices = new byte[nx * ny * nz];
        slices[nx * ny - 1] = 1;            // (3, 2, 0)
        slices[nx * ny] = 1;                // (0, 0, 1)
        assertEquals(2, ComponentLabeller.label(slices, nx, ny, nz, Connectivity.TWENTY_SIX).count());
        // control: (3, 2, 0) and (3, 1, 1) do touch along an edge
        slices[3 + nx * (1 + ny)] = 1;
        assertEquals(2, ComponentLabeller.label(slices, nx, ny, nz, Connectivity.EIGHTEEN).count());
        assertEquals(3, ComponentLabeller.label(slices, nx, ny, nz, Connectivity.SIX).count());
    }

    @Test
    void agreesWithBreadthFirstFloodFillOnRandomVolumes() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 30; trial++) {
            int nx = 1 + rnd.nextInt(13);
            int ny = 1 + rnd.nextInt(11);
            int nz = 1 + rnd.nextInt(9);
            double density = 0.15 + 0.4 * rnd.nextDouble();
            byte[] v = new byte[nx * ny * nz];
            for (int i = 0; i < v.length; i++) {
                v[i] = (byte) (rnd.nextDouble() < density ? 1 + rnd.nextInt(2) : 0);
            }
            for (int conn : new int[] {6, 18, 26}) {
                int[] expected = floodFill(v, nx, ny, nz, conn);
                ComponentLabels got = ComponentLabeller.label(v, nx, ny, nz, Connectivity.of(conn));
                assertArrayEquals(expected, got.labels(), "trial " + trial + " connectivity " + conn);
                long[] sizes = new long[got.count() + 1];
                for (int l : expected) {
                    if (l > 0) {
                        sizes[l]++;
                    }
                }
                assertArrayEquals(sizes, got.sizes());
            }
        }
    }

    /** Plain BFS from each unlabelled foreground voxel in raster order; neighbours by moved-axis count. */
    private static int[] floodFill(byte[] v, int nx, int ny, int nz, int conn) {
        int maxMoved = conn == 6 ? 1 : conn == 18 ? 2 : 3;
        int[] lab = new int[v.length];
        int next = 0;
        ArrayDeque<int[]> queue = new ArrayDeque<>();
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int i = x + nx * (y + ny * z);
                    if (v[i] == 0 || lab[i] != 0) {
                        continue;
                    }
                    lab[i] = ++next;
                    queue.add(new int[] {x, y, z});
                    while (!queue.isEmpty()) {
                        int[] p = queue.poll();
                        for (int dz = -1; dz <= 1; dz++) {
                            for (int dy = -1; dy <= 1; dy++) {
                                for (int dx = -1; dx <= 1; dx++) {
                                    int moved = Math.abs(dx) + Math.abs(dy) + Math.abs(dz);
                                    int a = p[0] + dx;
                                    int b = p[1] + dy;
                                    int c = p[2] + dz;
                                    if (moved == 0 || moved > maxMoved || a < 0 || b < 0 || c < 0
                                        || a >= nx || b >= ny || c >= nz) {
                                        continue;
                                    }
                                    int j = a + nx * (b + ny * c);
                                    if (v[j] != 0 && lab[j] == 0) {
                                        lab[j] = next;
                                        queue.add(new int[] {a, b, c});
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return lab;
    }

    @Test
    void settingsFromConfiguration() {
        ComponentSettings d = ComponentSettings.from(renalseg.config.RenalsegConfig.load(null, java.util.List.of()));
        assertEquals(new ComponentSettings(Connectivity.EIGHTEEN, 2), d);
        ComponentSettings s = ComponentSettings.from(renalseg.config.RenalsegConfig.load(null,
            java.util.List.of("postprocess.connectivity=26", "postprocess.keep-components=1")));
        assertEquals(new ComponentSettings(Connectivity.TWENTY_SIX, 1), s);
        assertThrows(IllegalArgumentException.class, () -> ComponentSettings.from(renalseg.config.RenalsegConfig.load(
            null, java.util.List.of("postprocess.connectivity=8"))));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Connectivity.of(8));
        assertThrows(IllegalArgumentException.class,
            () -> ComponentLabeller.label(new byte[5], 2, 2, 1, Connectivity.SIX));
        assertThrows(IllegalArgumentException.class,
            () -> LargestComponents.keep(new byte[4], 2, 2, 1, 0, Connectivity.SIX));
    }

    private static int count(byte[] v) {
        int n = 0;
        for (byte b : v) {
            if (b != 0) {
                n++;
            }
        }
        return n;
    }
}
