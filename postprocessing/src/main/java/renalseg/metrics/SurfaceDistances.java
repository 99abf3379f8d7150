package renalseg.metrics;

/**
 * Directed surface distances between two non-empty masks on one grid: {@code predToTruth[i]} is the
 * distance from the i-th surface voxel of the prediction to the nearest surface voxel of the truth, and
 * the other way round, in the units of the spacing used.
 */
public record SurfaceDistances(double[] predToTruth, double[] truthToPred) {

    /**
     * Exact distances via two distance transforms, computed on the bounding box of both surfaces (exact:
     * every site and every query point lies inside it).
     */
    public static SurfaceDistances compute(int[] predSurface, int[] truthSurface, int nx, int ny, int nz,
                                           double sx, double sy, double sz) {
        if (predSurface.length == 0 || truthSurface.length == 0) {
            throw new IllegalArgumentException("surface distances need two non-empty surfaces");
        }
        Box box = Box.around(nx, ny, predSurface, truthSurface);
        double[] fromTruth = box.squaredDistances(truthSurface, nx, ny, sx, sy, sz);
        double[] fromPred = box.squaredDistances(predSurface, nx, ny, sx, sy, sz);
        return new SurfaceDistances(box.sample(fromTruth, predSurface, nx, ny),
            box.sample(fromPred, truthSurface, nx, ny));
    }

    public double assd() {
        double sum = 0;
        for (double d : predToTruth) {
            sum += d;
        }
        for (double d : truthToPred) {
            sum += d;
        }
        return sum / (predToTruth.length + truthToPred.length);
    }

    public double hd95() {
        return Math.max(Percentile.linear(predToTruth, 95), Percentile.linear(truthToPred, 95));
    }

    public double hausdorff() {
        double m = 0;
        for (double d : predToTruth) {
            m = Math.max(m, d);
        }
        for (double d : truthToPred) {
            m = Math.max(m, d);
        }
        return m;
    }

    /**
     * Fraction of both surfaces within {@code tolerance} of the other. Distances come from sums of squares
     * in floating point; a relative slack of 1e-12 keeps a distance that equals the tolerance (e.g. two
     * voxels at exactly 2 mm) inside whatever the rounding.
     */
    public double surfaceDice(double tolerance) {
        double limit = tolerance * (1 + 1e-12);
        int within = 0;
        for (double d : predToTruth) {
            if (d <= limit) {
                within++;
            }
        }
        for (double d : truthToPred) {
            if (d <= limit) {
                within++;
            }
        }
        return (double) within / (predToTruth.length + truthToPred.length);
    }

    /** An axis-aligned box of the grid. */
    private record Box(int x0, int y0, int z0, int bx, int by, int bz) {

        static Box around(int nx, int ny, int[]... sets) {
            int minX = Integer.MAX_VALUE;
            int minY = Integer.MAX_VALUE;
            int minZ = Integer.MAX_VALUE;
            int maxX = -1;
            int maxY = -1;
            int maxZ = -1;
            for (int[] set : sets) {
                for (int v : set) {
                    int x = v % nx;
                    int y = (v / nx) % ny;
                    int z = v / (nx * ny);
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                    minZ = Math.min(minZ, z);
                    maxZ = Math.max(maxZ, z);
                }
            }
            return new Box(minX, minY, minZ, maxX - minX + 1, maxY - minY + 1, maxZ - minZ + 1);
        }

        int local(int v, int nx, int ny) {
            int x = v % nx - x0;
            int y = (v / nx) % ny - y0;
            int z = v / (nx * ny) - z0;
            return x + bx * (y + by * z);
        }

        double[] squaredDistances(int[] sites, int nx, int ny, double sx, double sy, double sz) {
            boolean[] mask = new boolean[Math.multiplyExact(Math.multiplyExact(bx, by), bz)];
            for (int v : sites) {
                mask[local(v, nx, ny)] = true;
            }
            return DistanceTransform.squared(mask, bx, by, bz, sx, sy, sz);
        }

        double[] sample(double[] squared, int[] at, int nx, int ny) {
            double[] out = new double[at.length];
            for (int i = 0; i < at.length; i++) {
                out[i] = Math.sqrt(squared[local(at[i], nx, ny)]);
            }
            return out;
        }
    }
}
