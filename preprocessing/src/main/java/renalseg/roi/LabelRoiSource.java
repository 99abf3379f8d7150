package renalseg.roi;

import java.util.ArrayList;
import java.util.List;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;
import renalseg.volume.VoxelBounds;

/**
 * Kidney ROIs from a label map: the 18-connected kidney-or-tumor components; the largest is a kidney, the
 * second largest the other kidney when it holds at least {@code minKidneyFraction} of the largest; every
 * other component joins the kidney nearest to it (so each ROI holds every labelled voxel of its kidney).
 * Sides from world x (RAS: patient left has the smaller x); a lone kidney's side from the volume centre.
 * The in-plane window is centred on the kidney's bounding box and widened to the kidney when the kidney
 * is larger; slices span the kidney plus the margin.
 */
public final class LabelRoiSource implements RoiSource {

    private final RoiSettings settings;

    public LabelRoiSource(RoiSettings settings) {
        this.settings = settings;
    }

    @Override
    public List<RoiPlacement> place(String caseId, ImageVolume image, LabelVolume labels) {
        if (labels == null) {
            throw new IllegalArgumentException("case " + caseId + ": label ROIs need a label map");
        }
        Geometry g = labels.geometry();
        byte[] l = labels.labels();
        int nx = g.nx();
        int ny = g.ny();
        int nz = g.nz();
        // bounding box of all labelled voxels, so the component search works on a small grid
        VoxelBounds bounds = new VoxelBounds();
        for (int z = 0, idx = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, idx++) {
                    if (l[idx] != 0) {
                        bounds.include(x, y, z);
                    }
                }
            }
        }
        if (bounds.isEmpty()) {
            return List.of();
        }
        int[] lo = bounds.lo();
        int[] hi = bounds.hi();
        int bx = hi[0] - lo[0] + 1;
        int by = hi[1] - lo[1] + 1;
        int bz = hi[2] - lo[2] + 1;
        boolean[] mask = new boolean[bx * by * bz];
        for (int z = 0; z < bz; z++) {
            for (int y = 0; y < by; y++) {
                int src = g.index(lo[0], lo[1] + y, lo[2] + z);
                for (int x = 0; x < bx; x++) {
                    mask[x + bx * (y + by * z)] = l[src + x] != 0;
                }
            }
        }
        List<Components18.Component> comps = Components18.find(mask, bx, by, bz);
        int kidneys = comps.size() > 1 && comps.get(1).size() >= settings.minKidneyFraction() * comps.get(0).size()
            ? 2 : 1;
        List<List<Components18.Component>> groups = new ArrayList<>();
        double[][] seedCentre = new double[kidneys][];
        for (int s = 0; s < kidneys; s++) {
            groups.add(new ArrayList<>(List.of(comps.get(s))));
            seedCentre[s] = worldCentroid(comps.get(s), g, lo, bx, by);
        }
        for (int c = kidneys; c < comps.size(); c++) {
            double[] w = worldCentroid(comps.get(c), g, lo, bx, by);
            int best = 0;
            if (kidneys == 2 && dist2(w, seedCentre[1]) < dist2(w, seedCentre[0])) {
                best = 1;
            }
            groups.get(best).add(comps.get(c));
        }
        List<RoiPlacement> out = new ArrayList<>();
        double[] sp = g.spacing();
        for (int s = 0; s < kidneys; s++) {
            int[] klo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
            int[] khi = {-1, -1, -1};
            for (Components18.Component c : groups.get(s)) {
                for (int v : c.voxels()) {
                    int[] p = {v % bx + lo[0], (v / bx) % by + lo[1], v / (bx * by) + lo[2]};
                    for (int a = 0; a < 3; a++) {
                        klo[a] = Math.min(klo[a], p[a]);
                        khi[a] = Math.max(khi[a], p[a]);
                    }
                }
            }
            RoiBox box = boxAround(settings, sp, klo, khi);
            KidneySide side;
            if (kidneys == 2) {
                side = seedCentre[s][0] < seedCentre[1 - s][0] ? KidneySide.LEFT : KidneySide.RIGHT;
            } else {
                double mid = g.toWorld((nx - 1) / 2.0, (ny - 1) / 2.0, (nz - 1) / 2.0)[0];
                side = seedCentre[s][0] < mid ? KidneySide.LEFT : KidneySide.RIGHT;
            }
            out.add(new RoiPlacement(side, box));
        }
        out.sort((a, b) -> a.side().compareTo(b.side()));
        return out;
    }

    /**
     * The ROI box around a kidney's voxel bounding box [lo, hi] (inclusive, canonical x, y, z): the in-plane
     * window centred on it and widened to it when it is larger, slices spanning it plus the slice margin.
     * Public so that other sources (the localizer) cut ROIs of the same shape.
     */
    public static RoiBox boxAround(RoiSettings settings, double[] spacing, int[] lo, int[] hi) {
        int wx = Math.max(settings.windowVoxels(spacing[0]), hi[0] - lo[0] + 1);
        int wy = Math.max(settings.windowVoxels(spacing[1]), hi[1] - lo[1] + 1);
        int x0 = Math.floorDiv(lo[0] + hi[0] + 1 - wx, 2);
        int y0 = Math.floorDiv(lo[1] + hi[1] + 1 - wy, 2);
        int m = settings.sliceMargin();
        return new RoiBox(x0, y0, lo[2] - m, wx, wy, hi[2] - lo[2] + 1 + 2 * m);
    }

    private static double[] worldCentroid(Components18.Component c, Geometry g, int[] lo, int bx, int by) {
        double sx = 0;
        double sy = 0;
        double sz = 0;
        for (int v : c.voxels()) {
            sx += v % bx;
            sy += (v / bx) % by;
            sz += v / (bx * by);
        }
        int n = c.size();
        return g.toWorld(lo[0] + sx / n, lo[1] + sy / n, lo[2] + sz / n);
    }

    private static double dist2(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < 3; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return s;
    }
}
