package renalseg.postprocessing.voting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OverlapVoterTest {

    /** A 1x1x1 window with the given class probabilities. */
    private static float[] voxel(float... p) {
        return p;
    }

    @Test
    void majorityFollowsVotesNotMeanProbability() {
        // three windows over one voxel: two vote kidney with modest confidence, one votes tumor strongly
        OverlapVoter maj = new OverlapVoter(3, 1, 1, 1, VotingMode.MAJORITY);
        OverlapVoter soft = new OverlapVoter(3, 1, 1, 1, VotingMode.SOFT);
        for (OverlapVoter v : new OverlapVoter[] {maj, soft}) {
            v.add(voxel(0.1f, 0.6f, 0.3f), 0, 0, 0, 1, 1, 1);
            v.add(voxel(0.2f, 0.55f, 0.25f), 0, 0, 0, 1, 1, 1);
            v.add(voxel(0.0f, 0.01f, 0.99f), 0, 0, 0, 1, 1, 1);
        }
        assertEquals(1, maj.labels()[0]);
        // mean probabilities: (0.3, 1.16, 1.54) / 3 -> tumor
        assertEquals(2, soft.labels()[0]);
        float[] p = soft.probabilities();
        assertEquals(0.3 / 3, p[0], 1e-6);
        assertEquals(1.16 / 3, p[1], 1e-6);
        assertEquals(1.54 / 3, p[2], 1e-6);
        // MAJORITY reports the plain mean too
        assertArrayEquals(p, maj.probabilities(), 1e-7f);
    }

    @Test
    void majorityTiesGoToLargerSummedProbability() {
        OverlapVoter a = new OverlapVoter(3, 1, 1, 1, VotingMode.MAJORITY);
        a.add(voxel(0.1f, 0.5f, 0.4f), 0, 0, 0, 1, 1, 1);   // votes 1
        a.add(voxel(0.1f, 0.3f, 0.6f), 0, 0, 0, 1, 1, 1);   // votes 2; sums 0.8 vs 1.0
        assertEquals(2, a.labels()[0]);

        OverlapVoter b = new OverlapVoter(3, 1, 1, 1, VotingMode.MAJORITY);
        b.add(voxel(0.1f, 0.7f, 0.2f), 0, 0, 0, 1, 1, 1);   // votes 1
        b.add(voxel(0.1f, 0.4f, 0.5f), 0, 0, 0, 1, 1, 1);   // votes 2; sums 1.1 vs 0.7
        assertEquals(1, b.labels()[0]);

        // a three-way vote tie (one vote each), background has the largest sum
        OverlapVoter c = new OverlapVoter(3, 1, 1, 1, VotingMode.MAJORITY);
        c.add(voxel(0.5f, 0.3f, 0.2f), 0, 0, 0, 1, 1, 1);
        c.add(voxel(0.4f, 0.45f, 0.15f), 0, 0, 0, 1, 1, 1);
        c.add(voxel(0.35f, 0.3f, 0.36f), 0, 0, 0, 1, 1, 1);  // votes 2; sums 1.25, 1.05, 0.71
        assertEquals(0, c.labels()[0]);
    }

    @Test
    void windowLayoutAndBorderClipping() {
        // volume D=2, H=3, W=4; one window 2x2x2 of 2 classes at (z0,y0,x0) = (1, 2, 3): only its voxel
        // (0,0,0) lands inside, at volume (1,2,3)
        OverlapVoter v = new OverlapVoter(2, 2, 3, 4, VotingMode.SOFT);
        float[] w = new float[2 * 8];
        for (int i = 0; i < 8; i++) {
            w[i] = 0.9f;       // class 0 everywhere ...
            w[8 + i] = 0.1f;
        }
        w[0] = 0.2f;           // ... except window voxel (0,0,0): class 1
        w[8] = 0.8f;
        w[7] = 0.0f;           // window voxel (1,1,1) would be class 1 but lies outside the volume
        w[15] = 1.0f;
        v.add(w, 1, 2, 3, 2, 2, 2);
        byte[] labels = v.labels();
        int inside = (1 * 3 + 2) * 4 + 3;   // C-order [d][h][w]
        assertEquals(23, inside);
        for (int i = 0; i < labels.length; i++) {
            assertEquals(i == inside ? 1 : 0, labels[i], "voxel " + i);
        }
        float[] p = v.probabilities();
        assertEquals(0.8f, p[24 + inside], 1e-7f);
        // uncovered voxels: background with probability 1
        assertEquals(1f, p[0]);
        assertEquals(0f, p[24]);
        float[] cov = v.coverage();
        assertEquals(1f, cov[inside]);
        assertEquals(0f, cov[0]);

        // negative origin: window voxel (1,1,1) lands on volume (0,0,0)
        OverlapVoter n = new OverlapVoter(2, 2, 3, 4, VotingMode.MAJORITY);
        n.add(w, -1, -1, -1, 2, 2, 2);
        assertEquals(1, n.labels()[0]);
        assertEquals(1f, n.probabilities()[24]);
        assertEquals(1f, n.coverage()[0]);
        assertEquals(0f, n.coverage()[1]);
    }

    @Test
    void overlappingWindowsAreCountedPerVoxel() {
        // a 1x1x5 volume, two 1x1x3 windows at x0 = 0 and x0 = 2 overlapping on x = 2
        OverlapVoter v = new OverlapVoter(2, 1, 1, 5, VotingMode.SOFT);
        v.add(new float[] {1, 1, 0.6f, 0, 0, 0.4f}, 0, 0, 0, 1, 1, 3);
        v.add(new float[] {0.2f, 0, 0, 0.8f, 1, 1}, 0, 0, 2, 1, 1, 3);
        assertArrayEquals(new float[] {1, 1, 2, 1, 1}, v.coverage());
        assertArrayEquals(new byte[] {0, 0, 1, 1, 1}, v.labels());
        float[] p = v.probabilities();
        assertEquals(0.4f, p[2], 1e-7f);      // (0.6 + 0.2) / 2
        assertEquals(0.6f, p[5 + 2], 1e-7f);  // (0.4 + 0.8) / 2
    }

    @Test
    void gaussianProfileIsNnUnetsImportanceMap() {
        // n = 8: sigma = 1, centre 4; n = 7: sigma = 0.875, centre 3
        float[] g8 = OverlapVoter.gaussianProfile(8);
        for (int i = 0; i < 8; i++) {
            assertEquals(Math.exp(-(i - 4) * (i - 4) / 2.0), g8[i], 1e-7);
        }
        assertEquals(1f, g8[4]);
        float[] g7 = OverlapVoter.gaussianProfile(7);
        assertEquals(Math.exp(-9 / (2 * 0.875 * 0.875)), g7[0], 1e-7);
        assertEquals(1f, g7[3]);
    }

    @Test
    void gaussianWeightsFavourTheWindowCentre() {
        // 1x1x16 volume; window A (1x1x8 at x0 = 0) says class 1 everywhere, window B (at x0 = 4) class 0.
        // At x = 4 A's weight is exp(-0) = 1 (its centre) and B's exp(-8) (its edge): A wins.
        // At x = 7 A's weight is exp(-4.5), B's exp(-0.5): B wins.
        OverlapVoter v = new OverlapVoter(2, 1, 1, 16, VotingMode.GAUSSIAN);
        float[] a = new float[16];
        float[] b = new float[16];
        for (int i = 0; i < 8; i++) {
            a[i] = 0.3f;
            a[8 + i] = 0.7f;
            b[i] = 0.9f;
            b[8 + i] = 0.1f;
        }
        v.add(a, 0, 0, 0, 1, 1, 8);
        v.add(b, 0, 0, 4, 1, 1, 8);
        byte[] l = v.labels();
        assertEquals(1, l[4]);
        assertEquals(0, l[7]);
        float[] p = v.probabilities();
        double wa = Math.exp(-4.5);
        double wb = Math.exp(-0.5);
        assertEquals((wa * 0.7 + wb * 0.1) / (wa + wb), p[16 + 7], 1e-6);
        // SOFT would give 0.4 at x = 7 for class 1: background, and at x = 4 too
        OverlapVoter s = new OverlapVoter(2, 1, 1, 16, VotingMode.SOFT);
        s.add(a, 0, 0, 0, 1, 1, 8);
        s.add(b, 0, 0, 4, 1, 1, 8);
        assertEquals(0, s.labels()[4]);
    }

    @Test
    void rejectsWrongWindowSize() {
        OverlapVoter v = new OverlapVoter(3, 2, 2, 2, VotingMode.SOFT);
        assertThrows(IllegalArgumentException.class, () -> v.add(new float[8], 0, 0, 0, 2, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> VotingMode.parse("avg"));
        assertEquals(VotingMode.GAUSSIAN, VotingMode.parse("Gaussian"));
    }
}
