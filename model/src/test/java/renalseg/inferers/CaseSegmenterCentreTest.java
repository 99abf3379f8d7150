package renalseg.inferers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The centre of a kidney ROI in which post-processing looks for the kidney's component, worked by hand. */
class CaseSegmenterCentreTest {

    @Test
    void middleHalfInPlaneAndSlicesLessTheMargin() {
        // 90 x 90 in-plane (144 mm at 1.6 mm), 40 slices with a margin of 6: x, y in [22, 68), z in [6, 34)
        int[][] c = CaseSegmenter.centre(90, 90, 40, 6);
        assertArrayEquals(new int[] {22, 22, 6}, c[0]);
        assertArrayEquals(new int[] {68, 68, 34}, c[1]);
        // odd sizes: 91 / 4 = 22 on each side, [22, 69)
        int[][] odd = CaseSegmenter.centre(91, 33, 20, 0);
        assertArrayEquals(new int[] {22, 8, 0}, odd[0]);
        assertArrayEquals(new int[] {69, 25, 20}, odd[1]);
    }

    @Test
    void aThinRoiKeepsAtLeastOneSlice() {
        // 5 slices with a margin of 6: the margin shrinks to (5 - 1) / 2 = 2, leaving slice 2
        int[][] c = CaseSegmenter.centre(10, 10, 5, 6);
        assertArrayEquals(new int[] {2, 2, 2}, c[0]);
        assertArrayEquals(new int[] {8, 8, 3}, c[1]);
        // a single slice stays whole
        int[][] one = CaseSegmenter.centre(10, 10, 1, 6);
        assertArrayEquals(new int[] {2, 2, 0}, one[0]);
        assertArrayEquals(new int[] {8, 8, 1}, one[1]);
    }
}
