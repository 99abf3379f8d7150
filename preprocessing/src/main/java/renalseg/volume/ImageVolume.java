package renalseg.volume;

/**
 * Intensities (HU for CT, after the file's scl_slope/scl_inter) on a grid. The array is shared, not
 * copied: treat it as read-only once the record exists.
 */
public record ImageVolume(Geometry geometry, float[] voxels) implements java.io.Serializable {

    public ImageVolume {
        if (voxels.length != geometry.voxelCount()) {
            throw new IllegalArgumentException("voxel count " + voxels.length + " does not match " + geometry);
        }
    }

    public float get(int i, int j, int k) {
        return voxels[geometry.index(i, j, k)];
    }
}
