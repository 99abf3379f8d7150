package renalseg.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VoxelBoundsTest {

    @Test
    void emptyUntilTheFirstVoxelThenTheInclusiveBoxPerAxis() {
        VoxelBounds b = new VoxelBounds();
        assertTrue(b.isEmpty());
        assertArrayEquals(new int[] {-1, -1, -1}, b.hi());
        b.include(5, 2, 9);
        assertFalse(b.isEmpty());
        assertArrayEquals(new int[] {5, 2, 9}, b.lo());
        assertArrayEquals(new int[] {5, 2, 9}, b.hi());
        // each axis independently: x's minimum, y's maximum and z's minimum come from different voxels
        b.include(1, 7, 9);
        b.include(3, 0, 4);
        assertArrayEquals(new int[] {1, 0, 4}, b.lo());
        assertArrayEquals(new int[] {5, 7, 9}, b.hi());
    }

    @Test
    void returnsCopiesSoCallersMayGrowTheirBox() {
        VoxelBounds b = new VoxelBounds();
        b.include(2, 3, 4);
        b.lo()[0] = -10;
        b.hi()[2] = 99;
        assertArrayEquals(new int[] {2, 3, 4}, b.lo());
        assertArrayEquals(new int[] {2, 3, 4}, b.hi());
    }
}
