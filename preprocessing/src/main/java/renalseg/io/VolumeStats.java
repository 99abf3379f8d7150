package renalseg.io;

import java.util.SortedMap;

/**
 * Summary of a volume's scaled values, computed in double precision as nibabel's {@code get_fdata()}
 * followed by numpy's min/max/mean. NaN and infinite voxels are left out of min, max and mean and counted apart
 * (min/max/mean are NaN when no voxel is finite).
 *
 * @param counts value -> voxel count when the volume holds at most {@link #MAX_DISTINCT} distinct values,
 *               all of them integers; null otherwise
 */
public record VolumeStats(long voxels, double min, double max, double mean, long nanCount, long infCount,
                          SortedMap<Long, Long> counts) implements java.io.Serializable {
    public static final int MAX_DISTINCT = 16;
}
