package renalseg.roi;

/**
 * A box in the canonical (RAS) source array: first voxel (x0, y0, z0) and size; it may reach beyond the
 * volume (those voxels are padding).
 */
public record RoiBox(int x0, int y0, int z0, int nx, int ny, int nz) implements java.io.Serializable {

    public RoiBox {
        if (nx <= 0 || ny <= 0 || nz <= 0) {
            throw new IllegalArgumentException("empty box " + nx + "x" + ny + "x" + nz);
        }
    }

    public long voxelCount() {
        return (long) nx * ny * nz;
    }

    /** Linear index inside the box (x fastest). */
    public int index(int x, int y, int z) {
        return x + nx * (y + ny * z);
    }
}
