package renalseg.volume;

import java.util.Arrays;
import renalseg.util.InputError;

/**
 * How a source grid maps onto its closest canonical (RAS) grid, as nibabel's {@code as_closest_canonical}:
 * an axis permutation and flips, no resampling. Canonical axis {@code worldAxisOf[a]} is source axis a,
 * reversed when {@code flipped[a]}. Keeps both geometries so results on the canonical grid can be put
 * back into the source file's space ({@link #toSource(LabelVolume)}).
 *
 * @param source      the grid as stored in the file
 * @param canonical   the RAS grid (shape permuted, affine updated so every voxel keeps its world position)
 * @param worldAxisOf for each source axis, the canonical axis it becomes
 * @param flipped     for each source axis, whether its index runs backwards in the canonical grid
 */
public record Reorientation(Geometry source, Geometry canonical, int[] worldAxisOf, boolean[] flipped)
    implements java.io.Serializable {

    public Reorientation {
        worldAxisOf = worldAxisOf.clone();
        flipped = flipped.clone();
    }

    /** The reorientation of {@code g} to its closest canonical orientation. */
    public static Reorientation of(Geometry g) {
        int[][] o = Orientation.ioOrientation(g.affine());
        int[] axisOf = new int[3];
        boolean[] flip = new boolean[3];
        boolean[] used = new boolean[3];
        for (int a = 0; a < 3; a++) {
            if (o[a][0] < 0 || used[o[a][0]]) {
                throw new InputError("affine has no orientation for array axis " + a + " (singular): "
                    + Arrays.deepToString(g.affine()));
            }
            axisOf[a] = o[a][0];
            used[o[a][0]] = true;
            flip[a] = o[a][1] < 0;
        }
        int[] srcShape = g.shape();
        double[] srcSp = g.spacing();
        int[] shape = new int[3];
        double[] sp = new double[3];
        double[][] A = g.affine();
        double[][] aff = new double[4][4];
        aff[3][3] = 1;
        for (int r = 0; r < 3; r++) {
            aff[r][3] = A[r][3];
        }
        for (int a = 0; a < 3; a++) {
            int w = axisOf[a];
            shape[w] = srcShape[a];
            sp[w] = srcSp[a];
            double s = flip[a] ? -1 : 1;
            for (int r = 0; r < 3; r++) {
                aff[r][w] = s * A[r][a];
                if (flip[a]) {
                    aff[r][3] += A[r][a] * (srcShape[a] - 1);
                }
            }
        }
        return new Reorientation(g, new Geometry(shape[0], shape[1], shape[2], sp, aff), axisOf, flip);
    }

    /** True when the source already is canonical (no permutation, no flip). */
    public boolean isIdentity() {
        for (int a = 0; a < 3; a++) {
            if (worldAxisOf[a] != a || flipped[a]) {
                return false;
            }
        }
        return true;
    }

    /** Source index (i, j, k) of canonical voxel c = (c0, c1, c2). */
    public int[] sourceIndex(int c0, int c1, int c2) {
        int[] c = {c0, c1, c2};
        int[] n = source.shape();
        int[] s = new int[3];
        for (int a = 0; a < 3; a++) {
            int v = c[worldAxisOf[a]];
            s[a] = flipped[a] ? n[a] - 1 - v : v;
        }
        return s;
    }

    private static final int TILE = 16;

    /**
     * Calls {@code copy(canonicalIndex, sourceIndex)} for every voxel, in 16-voxel cubes so that both the
     * reads and the writes stay in cache whatever the permutation (a KiTS19 (z, y, x) volume is a full
     * transpose: a plain loop would miss the cache on every voxel).
     */
    private void forEachVoxel(IndexPair copy) {
        int[] n = source.shape();
        int[] cn = canonical.shape();
        long[] stride = new long[3];
        long base = 0;
        long[] srcStride = {1, n[0], (long) n[0] * n[1]};
        for (int a = 0; a < 3; a++) {
            int w = worldAxisOf[a];
            stride[w] = flipped[a] ? -srcStride[a] : srcStride[a];
            if (flipped[a]) {
                base += (n[a] - 1) * srcStride[a];
            }
        }
        long cy = cn[0];
        long cz = (long) cn[0] * cn[1];
        for (int k0 = 0; k0 < cn[2]; k0 += TILE) {
            int k1 = Math.min(cn[2], k0 + TILE);
            for (int j0 = 0; j0 < cn[1]; j0 += TILE) {
                int j1 = Math.min(cn[1], j0 + TILE);
                for (int i0 = 0; i0 < cn[0]; i0 += TILE) {
                    int i1 = Math.min(cn[0], i0 + TILE);
                    for (int k = k0; k < k1; k++) {
                        for (int j = j0; j < j1; j++) {
                            long s = base + k * stride[2] + j * stride[1];
                            int c = (int) (k * cz + j * cy);
                            for (int i = i0; i < i1; i++) {
                                copy.apply(c + i, (int) (s + i * stride[0]));
                            }
                        }
                    }
                }
            }
        }
    }

    @FunctionalInterface
    private interface IndexPair {
        void apply(int canonicalIndex, int sourceIndex);
    }

    public ImageVolume toCanonical(ImageVolume v) {
        requireGrid(v.geometry(), source, "image");
        if (isIdentity()) {
            return new ImageVolume(canonical, v.voxels());
        }
        float[] src = v.voxels();
        float[] out = new float[src.length];
        forEachVoxel((c, s) -> out[c] = src[s]);
        return new ImageVolume(canonical, out);
    }

    public LabelVolume toCanonical(LabelVolume v) {
        requireGrid(v.geometry(), source, "label map");
        if (isIdentity()) {
            return new LabelVolume(canonical, v.labels());
        }
        byte[] src = v.labels();
        byte[] out = new byte[src.length];
        forEachVoxel((c, s) -> out[c] = src[s]);
        return new LabelVolume(canonical, out);
    }

    /** A label map on the canonical grid, back on the source grid (the inverse of {@link #toCanonical}). */
    public LabelVolume toSource(LabelVolume v) {
        requireGrid(v.geometry(), canonical, "canonical label map");
        if (isIdentity()) {
            return new LabelVolume(source, v.labels());
        }
        byte[] src = v.labels();
        byte[] out = new byte[src.length];
        forEachVoxel((c, s) -> out[s] = src[c]);
        return new LabelVolume(source, out);
    }

    /** An image on the canonical grid, back on the source grid. */
    public ImageVolume toSource(ImageVolume v) {
        requireGrid(v.geometry(), canonical, "canonical image");
        if (isIdentity()) {
            return new ImageVolume(source, v.voxels());
        }
        float[] src = v.voxels();
        float[] out = new float[src.length];
        forEachVoxel((c, s) -> out[s] = src[c]);
        return new ImageVolume(source, out);
    }

    private static void requireGrid(Geometry got, Geometry want, String what) {
        if (!got.sameShape(want)) {
            throw new IllegalArgumentException(what + " grid " + got + " is not the expected " + want);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reorientation r && source.equals(r.source) && canonical.equals(r.canonical)
            && Arrays.equals(worldAxisOf, r.worldAxisOf) && Arrays.equals(flipped, r.flipped);
    }

    @Override
    public int hashCode() {
        return source.hashCode() * 31 + Arrays.hashCode(worldAxisOf);
    }

    @Override
    public String toString() {
        return "Reorientation[" + Orientation.axcodes(source.affine()) + " -> RAS, axes=" + Arrays.toString(worldAxisOf)
            + ", flipped=" + Arrays.toString(flipped) + "]";
    }

    public int[] worldAxisOf() {
        return worldAxisOf.clone();
    }

    public boolean[] flipped() {
        return flipped.clone();
    }
}
