package renalseg.roi;

import java.util.ArrayList;
import java.util.List;

/**
 * 18-connected components of the non-zero voxels of a small x-fastest grid (face and edge neighbours,
 * not corners), by breadth-first search. Preprocessing's own, simple version (postprocessing has the fast
 * one; preprocessing may not depend on it).
 */
final class Components18 {

    /** One component: its voxels' linear indices. */
    record Component(int[] voxels) {
        int size() {
            return voxels.length;
        }
    }

    private static final int[][] OFFSETS = offsets();

    private Components18() {
    }

    private static int[][] offsets() {
        List<int[]> o = new ArrayList<>();
        for (int dz = -1; dz <= 1; dz++) {
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    int m = Math.abs(dx) + Math.abs(dy) + Math.abs(dz);
                    if (m >= 1 && m <= 2) {
                        o.add(new int[] {dx, dy, dz});
                    }
                }
            }
        }
        return o.toArray(new int[0][]);
    }

    /** Components of {@code mask} (true = foreground) on an nx * ny * nz grid, largest first. */
    static List<Component> find(boolean[] mask, int nx, int ny, int nz) {
        boolean[] seen = new boolean[mask.length];
        int[] queue = new int[mask.length];
        List<Component> out = new ArrayList<>();
        for (int s = 0; s < mask.length; s++) {
            if (!mask[s] || seen[s]) {
                continue;
            }
            int head = 0;
            int tail = 0;
            queue[tail++] = s;
            seen[s] = true;
            while (head < tail) {
                int v = queue[head++];
                int x = v % nx;
                int y = (v / nx) % ny;
                int z = v / (nx * ny);
                for (int[] d : OFFSETS) {
                    int xx = x + d[0];
                    int yy = y + d[1];
                    int zz = z + d[2];
                    if (xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz) {
                        continue;
                    }
                    int w = xx + nx * (yy + ny * zz);
                    if (mask[w] && !seen[w]) {
                        seen[w] = true;
                        queue[tail++] = w;
                    }
                }
            }
            int[] vox = new int[tail];
            System.arraycopy(queue, 0, vox, 0, tail);
            out.add(new Component(vox));
        }
        out.sort((a, b) -> Integer.compare(b.size(), a.size()));
        return out;
    }
}
