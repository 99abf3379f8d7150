package renalseg.metrics;

/**
 * Surface voxels as docs/metrics.md defines them: voxels of the mask with at least one of their 6 face
 * neighbours outside the mask, where voxels beyond the volume's border count as outside.
 */
public final class Surfaces {

    private Surfaces() {
    }

    /** Linear indices (x fastest) of the surface voxels, ascending. */
    public static int[] of(boolean[] mask, int nx, int ny, int nz) {
        if (mask.length != (long) nx * ny * nz) {
            throw new IllegalArgumentException("mask of " + mask.length + " voxels is not " + nx + "x" + ny + "x" + nz);
        }
        int count = 0;
        int[] out = new int[64];
        int slice = nx * ny;
        int v = 0;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, v++) {
                    if (!mask[v]) {
                        continue;
                    }
                    boolean surface = x == 0 || x == nx - 1 || y == 0 || y == ny - 1 || z == 0 || z == nz - 1
                        || !mask[v - 1] || !mask[v + 1] || !mask[v - nx] || !mask[v + nx]
                        || !mask[v - slice] || !mask[v + slice];
                    if (surface) {
                        if (count == out.length) {
                            out = java.util.Arrays.copyOf(out, out.length * 2);
                        }
                        out[count++] = v;
                    }
                }
            }
        }
        return java.util.Arrays.copyOf(out, count);
    }
}
