package renalseg.metrics;

import java.util.ArrayList;
import java.util.List;
import renalseg.util.InputError;
import renalseg.volume.Geometry;
import renalseg.volume.LabelVolume;

/**
 * Per-case evaluation of a predicted label map against the truth, every definition as in docs/metrics.md:
 * Dice, volumes, surface distances (ASSD in mm and voxels, HD95, Hausdorff), surface Dice, tumor detection.
 */
public final class SegmentationMetrics {

    private SegmentationMetrics() {
    }

    /**
     * One row per region (kidney, tumor, kidney_and_tumor). Both volumes must have the same shape and affine
     * (within the settings' tolerance), else {@link InputError}. The truth's spacing is used.
     */
    public static List<RegionMetrics> evaluate(LabelVolume truth, LabelVolume pred, MetricSettings settings) {
        Geometry gt = truth.geometry();
        Geometry gp = pred.geometry();
        if (!gt.sameShape(gp)) {
            throw new InputError("prediction shape " + gp.nx() + "x" + gp.ny() + "x" + gp.nz()
                + " differs from truth shape " + gt.nx() + "x" + gt.ny() + "x" + gt.nz());
        }
        if (!gt.sameGrid(gp, settings.affineToleranceMm())) {
            throw new InputError("prediction affine " + java.util.Arrays.deepToString(gp.affine())
                + " differs from truth affine " + java.util.Arrays.deepToString(gt.affine())
                + " (tolerance " + settings.affineToleranceMm() + " mm)");
        }
        return evaluate(truth.labels(), pred.labels(), gt.nx(), gt.ny(), gt.nz(), gt.spacing(), settings);
    }

    /** The same on raw arrays (x fastest), e.g. one kidney ROI; spacing in mm per array axis. */
    public static List<RegionMetrics> evaluate(byte[] truth, byte[] pred, int nx, int ny, int nz,
                                               double[] spacing, MetricSettings settings) {
        if (truth.length != (long) nx * ny * nz || pred.length != truth.length) {
            throw new IllegalArgumentException("label arrays do not match the shape " + nx + "x" + ny + "x" + nz);
        }
        List<RegionMetrics> rows = new ArrayList<>(3);
        for (Region r : Region.values()) {
            rows.add(region(r, truth, pred, nx, ny, nz, spacing, settings.toleranceMm(r)));
        }
        return rows;
    }

    static RegionMetrics region(Region region, byte[] truth, byte[] pred, int nx, int ny, int nz,
                                double[] spacing, double toleranceMm) {
        int n = truth.length;
        boolean[] g = new boolean[n];
        boolean[] p = new boolean[n];
        long nG = 0;
        long nP = 0;
        long both = 0;
        for (int v = 0; v < n; v++) {
            boolean inG = region.contains(truth[v] & 0xff);
            boolean inP = region.contains(pred[v] & 0xff);
            g[v] = inG;
            p[v] = inP;
            if (inG) {
                nG++;
            }
            if (inP) {
                nP++;
            }
            if (inG && inP) {
                both++;
            }
        }
        double voxelMl = spacing[0] * spacing[1] * spacing[2] / 1000.0;
        double dice = nG + nP == 0 ? 1.0 : 2.0 * both / (nG + nP);
        Boolean detected = null;
        Boolean falsePositive = null;
        if (region == Region.TUMOR) {
            detected = nG > 0 ? both > 0 : null;
            falsePositive = nP > 0 && nG == 0;
        }
        if (nG == 0 || nP == 0) {
            String reason = nG == 0 && nP == 0 ? "both empty" : nP == 0 ? "prediction empty" : "truth empty";
            double surfaceDice = nG == 0 && nP == 0 ? 1.0 : 0.0;
            return new RegionMetrics(region.id(), dice, null, null, null, null, surfaceDice,
                nP * voxelMl, nG * voxelMl, reason, detected, falsePositive);
        }
        int[] sp = Surfaces.of(p, nx, ny, nz);
        int[] sg = Surfaces.of(g, nx, ny, nz);
        SurfaceDistances mm = SurfaceDistances.compute(sp, sg, nx, ny, nz, spacing[0], spacing[1], spacing[2]);
        SurfaceDistances vox = SurfaceDistances.compute(sp, sg, nx, ny, nz, 1, 1, 1);
        return new RegionMetrics(region.id(), dice, mm.assd(), vox.assd(), mm.hd95(), mm.hausdorff(),
            mm.surfaceDice(toleranceMm), nP * voxelMl, nG * voxelMl, null, detected, falsePositive);
    }
}
