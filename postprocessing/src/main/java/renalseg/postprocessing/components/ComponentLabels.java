package renalseg.postprocessing.components;

/**
 * Connected components of a volume: {@code labels[v]} is 0 for background, else the component 1..count,
 * numbered in the order a raster scan (x fastest) first meets them; {@code sizes[c]} is the voxel count of
 * component c ({@code sizes[0]} = 0). Arrays are shared: treat them as read-only.
 */
public record ComponentLabels(int nx, int ny, int nz, int[] labels, int count, long[] sizes) {

    public ComponentLabels {
        if (labels.length != (long) nx * ny * nz || sizes.length != count + 1) {
            throw new IllegalArgumentException("inconsistent component labels");
        }
    }

    /**
     * Component ids sorted by size, largest first; equal sizes keep raster order (the component met first
     * comes first), so the choice is deterministic.
     */
    public int[] bySizeDescending() {
        // primitive sort keys (no boxing for millions of noise components): high bits order by size,
        // descending; low 32 bits by id, ascending. Sizes fit in 31 bits as arrays are int-indexed.
        long[] keys = new long[count];
        for (int c = 1; c <= count; c++) {
            keys[c - 1] = ((long) (Integer.MAX_VALUE - sizes[c]) << 32) | c;
        }
        java.util.Arrays.sort(keys);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = (int) keys[i];
        }
        return out;
    }
}
