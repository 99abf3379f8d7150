package renalseg.augment;

/**
 * One training sample, small enough that 90000 of them cost megabytes: a crop of ROI {@code roiId} whose
 * first voxel is (z0, y0, x0) in ROI coordinates (possibly negative or past the ROI: padding), flipped
 * along the flagged axes after cropping; {@code seed} is the sample's own random seed (it determined the
 * rest and is kept for any later per-sample randomness).
 */
public record SampleRecord(String roiId, int z0, int y0, int x0, boolean flipZ, boolean flipY, boolean flipX,
                           long seed) implements java.io.Serializable {
}
