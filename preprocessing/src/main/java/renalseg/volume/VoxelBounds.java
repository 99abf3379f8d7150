package renalseg.volume;

/**
 * The bounding box (inclusive voxel indices per axis) of the voxels passed to {@link #include}: the one
 * accumulator behind label ROIs, CRF crops and report crops. Empty until the first voxel; one per loop
 * (mutable, not shared between threads).
 */
public final class VoxelBounds {

    private final int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    private final int[] hi = {-1, -1, -1};

    public void include(int x, int y, int z) {
        lo[0] = Math.min(lo[0], x);
        lo[1] = Math.min(lo[1], y);
        lo[2] = Math.min(lo[2], z);
        hi[0] = Math.max(hi[0], x);
        hi[1] = Math.max(hi[1], y);
        hi[2] = Math.max(hi[2], z);
    }

    public boolean isEmpty() {
        return hi[0] < 0;
    }

    /** Lowest index per axis (a copy; meaningless when empty). */
    public int[] lo() {
        return lo.clone();
    }

    /** Highest index per axis (a copy; -1 when empty). */
    public int[] hi() {
        return hi.clone();
    }
}
