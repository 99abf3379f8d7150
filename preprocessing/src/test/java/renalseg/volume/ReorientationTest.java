package renalseg.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReorientationTest {

    static double[][] aff(double[][] m3, double... t) {
        return new double[][] {
            {m3[0][0], m3[0][1], m3[0][2], t[0]},
            {m3[1][0], m3[1][1], m3[1][2], t[1]},
            {m3[2][0], m3[2][1], m3[2][2], t[2]},
            {0, 0, 0, 1}};
    }

    @Test
    void axcodesOfKnownAffines() {
        assertEquals("RAS", Orientation.axcodes(aff(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, 0, 0, 0)));
        assertEquals("LPS", Orientation.axcodes(aff(new double[][] {{-0.7, 0, 0}, {0, -0.7, 0}, {0, 0, 2.5}}, 0, 0, 0)));
        // KiTS19: array (z, y, x); axis 0 runs inferior, axis 1 posterior, axis 2 left
        assertEquals("IPL", Orientation.axcodes(aff(new double[][] {{0, 0, -0.78}, {0, -0.78, 0}, {-5, 0, 0}}, 0, 0, 0)));
        assertEquals("RAI", Orientation.axcodes(aff(new double[][] {{0.8, 0, 0}, {0, 0.8, 0}, {0, 0, -3}}, 0, 0, 0)));
        // 20 degrees of in-plane rotation still reads as the nearest axes
        double c = Math.cos(Math.toRadians(20));
        double s = Math.sin(Math.toRadians(20));
        assertEquals("RAS", Orientation.axcodes(aff(new double[][] {{c, -s, 0}, {s, c, 0}, {0, 0, 1}}, 0, 0, 0)));
        assertEquals("ALS", Orientation.axcodes(aff(new double[][] {{-s, -c, 0}, {c, -s, 0}, {0, 0, 1}}, 0, 0, 0)));
    }

    /** A volume whose value at source (i, j, k) encodes its index, on the given affine. */
    static ImageVolume coded(int nx, int ny, int nz, double[][] affine) {
        Geometry g = new Geometry(nx, ny, nz, new double[] {colNorm(affine, 0), colNorm(affine, 1),
            colNorm(affine, 2)}, affine);
        float[] v = new float[nx * ny * nz];
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    v[g.index(i, j, k)] = i + 100 * j + 10000 * k;
                }
            }
        }
        return new ImageVolume(g, v);
    }

    static double colNorm(double[][] a, int c) {
        return Math.sqrt(a[0][c] * a[0][c] + a[1][c] * a[1][c] + a[2][c] * a[2][c]);
    }

    @Test
    void kits19IplBecomesRasByReversingAndTransposing() {
        // shape (z=4, y=3, x=2) stored slice-first, as KiTS19
        double[][] a = aff(new double[][] {{0, 0, -0.78}, {0, -0.78, 0}, {-5, 0, 0}}, 10, 20, 30);
        ImageVolume src = coded(4, 3, 2, a);
        Reorientation r = Reorientation.of(src.geometry());
        assertArrayEquals(new int[] {2, 1, 0}, r.worldAxisOf());
        assertArrayEquals(new boolean[] {true, true, true}, r.flipped());
        assertArrayEquals(new int[] {2, 3, 4}, r.canonical().shape());
        assertArrayEquals(new double[] {0.78, 0.78, 5}, r.canonical().spacing(), 1e-12);
        // canonical affine by hand: diagonal positive, origin = world of source voxel (3, 2, 1)
        double[][] expect = {{0.78, 0, 0, 10 - 0.78}, {0, 0.78, 0, 20 - 2 * 0.78}, {0, 0, 5, 30 - 15}, {0, 0, 0, 1}};
        double[][] got = r.canonical().affine();
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(expect[i], got[i], 1e-9);
        }
        assertEquals("RAS", Orientation.axcodes(got));
        ImageVolume can = r.toCanonical(src);
        // canonical (x, y, z) = source (n0-1-z, n1-1-y, n2-1-x), by hand
        for (int z = 0; z < 4; z++) {
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 2; x++) {
                    int si = 3 - z;
                    int sj = 2 - y;
                    int sk = 1 - x;
                    assertEquals(si + 100 * sj + 10000 * sk, can.get(x, y, z), 0f);
                }
            }
        }
    }

    @Test
    void everyVoxelKeepsItsWorldPositionAndTheWayBackIsExact() {
        double[][][] affines = {
            aff(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, 0, 0, 0), // RAS
            aff(new double[][] {{-0.7, 0, 0}, {0, -0.7, 0}, {0, 0, 2.5}}, 5, -3, 7), // LPS
            aff(new double[][] {{0, 0, -0.78}, {0, -0.78, 0}, {-5, 0, 0}}, 1, 2, 3), // IPL
            aff(new double[][] {{0.8, 0, 0}, {0, 0.8, 0}, {0, 0, -3}}, 0, 0, 90), // z flipped
            aff(new double[][] {{0, 2, 0}, {0, 0, -3}, {1, 0, 0}}, 0, 0, 0), // SRP-like permutation
        };
        for (double[][] a : affines) {
            ImageVolume src = coded(3, 4, 5, a);
            Reorientation r = Reorientation.of(src.geometry());
            ImageVolume can = r.toCanonical(src);
            Geometry cg = can.geometry();
            for (int k = 0; k < cg.nz(); k++) {
                for (int j = 0; j < cg.ny(); j++) {
                    for (int i = 0; i < cg.nx(); i++) {
                        int[] s = r.sourceIndex(i, j, k);
                        assertEquals(src.get(s[0], s[1], s[2]), can.get(i, j, k), 0f);
                        assertArrayEquals(src.geometry().toWorld(s[0], s[1], s[2]), cg.toWorld(i, j, k), 1e-9);
                    }
                }
            }
            double[][] ca = cg.affine();
            for (int d = 0; d < 3; d++) {
                assertTrue(ca[d][d] > 0, "canonical diagonal positive");
            }
            assertArrayEquals(src.voxels(), r.toSource(can).voxels());
            byte[] lab = new byte[src.voxels().length];
            for (int i = 0; i < lab.length; i++) {
                lab[i] = (byte) (i % 3);
            }
            LabelVolume l = new LabelVolume(src.geometry(), lab);
            LabelVolume back = r.toSource(r.toCanonical(l));
            assertArrayEquals(lab, back.labels());
            assertEquals(src.geometry(), back.geometry());
        }
    }

    @Test
    void rasIsTheIdentity() {
        Geometry g = Geometry.of(3, 4, 5, 1, 1, 2);
        Reorientation r = Reorientation.of(g);
        assertTrue(r.isIdentity());
        assertEquals(g, r.canonical());
        assertFalse(Reorientation.of(coded(2, 2, 2, aff(new double[][] {{-1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, 0, 0, 0))
            .geometry()).isIdentity());
    }
}
