package renalseg.postprocessing.components;

import java.util.Arrays;

/**
 * Connected-component labelling of a binary volume in two raster passes with union-find over provisional
 * labels (Rosenfeld-Pfaltz; union by smaller root, path halving): near-linear time, primitive arrays only,
 * so volumes of hundreds of millions of voxels need just the int[] of labels plus a parent table.
 *
 * <p>Layout as {@link renalseg.volume.Geometry}: index {@code x + nx * (y + ny * z)}.
 */
public final class ComponentLabeller {

    private ComponentLabeller() {
    }

    /** Components of the voxels whose value is non-zero. */
    public static ComponentLabels label(byte[] values, int nx, int ny, int nz, Connectivity connectivity) {
        boolean[] fg = new boolean[256];
        Arrays.fill(fg, true);
        fg[0] = false;
        return label(values, nx, ny, nz, connectivity, fg);
    }

    /**
     * Components of the voxels whose unsigned value v has {@code foreground[v]} true (a 256-entry table,
     * e.g. true for 1 and 2 to take kidney-or-tumor).
     */
    public static ComponentLabels label(byte[] values, int nx, int ny, int nz, Connectivity connectivity,
                                        boolean[] foreground) {
        if (nx < 1 || ny < 1 || nz < 1 || values.length != (long) nx * ny * nz) {
            throw new IllegalArgumentException("volume of " + values.length + " voxels is not " + nx + "x" + ny + "x" + nz);
        }
        if (foreground.length != 256) {
            throw new IllegalArgumentException("foreground table needs 256 entries");
        }
        int[][] offsets = connectivity.backwardOffsets();
        int k = offsets.length;
        int[] odx = new int[k];
        int[] ody = new int[k];
        int[] odz = new int[k];
        int[] step = new int[k];
        for (int i = 0; i < k; i++) {
            odx[i] = offsets[i][0];
            ody[i] = offsets[i][1];
            odz[i] = offsets[i][2];
            step[i] = odx[i] + nx * (ody[i] + ny * odz[i]);
        }
        int[] labels = new int[values.length];
        UnionFind uf = new UnionFind();
        // pass 1: provisional labels, equivalences recorded in the union-find
        int v = 0;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, v++) {
                    if (!foreground[values[v] & 0xff]) {
                        continue;
                    }
                    int root = 0;
                    for (int i = 0; i < k; i++) {
                        int xx = x + odx[i];
                        int yy = y + ody[i];
                        int zz = z + odz[i];
                        if (xx < 0 || xx >= nx || yy < 0 || yy >= ny || zz < 0) {
                            continue;
                        }
                        int l = labels[v + step[i]];
                        if (l == 0) {
                            continue;
                        }
                        root = root == 0 ? uf.find(l) : uf.union(root, l);
                    }
                    labels[v] = root != 0 ? root : uf.make();
                }
            }
        }
        // pass 2: roots -> consecutive final ids in raster order of first appearance
        int[] finalId = new int[uf.size() + 1];
        int count = 0;
        long[] sizes = new long[16];
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            if (l == 0) {
                continue;
            }
            int r = uf.find(l);
            int id = finalId[r];
            if (id == 0) {
                id = ++count;
                finalId[r] = id;
                if (id >= sizes.length) {
                    sizes = Arrays.copyOf(sizes, sizes.length * 2);
                }
            }
            labels[i] = id;
            sizes[id]++;
        }
        return new ComponentLabels(nx, ny, nz, labels, count, Arrays.copyOf(sizes, count + 1));
    }

    /** Disjoint sets over provisional labels 1..n; the root is always the smallest label of its set. */
    private static final class UnionFind {
        private int[] parent = new int[1024];
        private int n;

        int make() {
            n++;
            if (n >= parent.length) {
                if (parent.length >= Integer.MAX_VALUE / 2) {
                    throw new IllegalStateException("too many provisional components");
                }
                parent = Arrays.copyOf(parent, parent.length * 2);
            }
            parent[n] = n;
            return n;
        }

        int size() {
            return n;
        }

        int find(int a) {
            while (parent[a] != a) {
                parent[a] = parent[parent[a]];
                a = parent[a];
            }
            return a;
        }

        /** Merges the sets of root {@code r} and label {@code l}; returns the new root. */
        int union(int r, int l) {
            int a = find(r);
            int b = find(l);
            if (a == b) {
                return a;
            }
            if (a < b) {
                parent[b] = a;
                return a;
            }
            parent[a] = b;
            return b;
        }
    }
}
