package renalseg.postprocessing.components;

/**
 * Which voxels count as neighbours: 6 share a face, 18 share a face or an edge, 26 share a face, an edge
 * or a corner (scipy.ndimage.generate_binary_structure(3, 1 / 2 / 3)).
 */
public enum Connectivity {
    SIX(6),
    EIGHTEEN(18),
    TWENTY_SIX(26);

    private final int neighbours;

    Connectivity(int neighbours) {
        this.neighbours = neighbours;
    }

    public int neighbours() {
        return neighbours;
    }

    public static Connectivity of(int neighbours) {
        for (Connectivity c : values()) {
            if (c.neighbours == neighbours) {
                return c;
            }
        }
        throw new IllegalArgumentException("connectivity must be 6, 18 or 26, got " + neighbours);
    }

    /** Whether offset (dx, dy, dz), each in -1..1 and not all 0, is a neighbour. */
    public boolean includes(int dx, int dy, int dz) {
        int moved = Math.abs(dx) + Math.abs(dy) + Math.abs(dz);
        return moved > 0 && switch (this) {
            case SIX -> moved == 1;
            case EIGHTEEN -> moved <= 2;
            case TWENTY_SIX -> true;
        };
    }

    /**
     * The neighbours already visited by a raster scan (x fastest, then y, then z): offsets (dx, dy, dz)
     * with dz < 0, or dz = 0 and dy < 0, or dz = dy = 0 and dx < 0. Half of the neighbourhood.
     */
    int[][] backwardOffsets() {
        int[][] out = new int[neighbours / 2][];
        int n = 0;
        for (int dz = -1; dz <= 0; dz++) {
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    boolean backward = dz < 0 || (dz == 0 && (dy < 0 || (dy == 0 && dx < 0)));
                    if (backward && includes(dx, dy, dz)) {
                        out[n++] = new int[] {dx, dy, dz};
                    }
                }
            }
        }
        if (n != out.length) {
            throw new IllegalStateException("backward neighbourhood of " + this + " has " + n + " offsets");
        }
        return out;
    }
}
