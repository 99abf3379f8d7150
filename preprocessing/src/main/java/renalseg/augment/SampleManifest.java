package renalseg.augment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws sample records. Sample n depends only on (seed, n, the ROI list sorted by id), so any executor
 * can draw any range of the manifest and get the same records. For each sample: an ROI uniformly; a crop
 * centre around a tumor voxel with probability p-tumor, a kidney voxel with p-kidney (falling back to
 * kidney, then anywhere, when the ROI has none), else a random crop; flips per configured axis. As MONAI's
 * RandCropByPosNegLabel, a centred crop is shifted to stay inside the ROI where the ROI is large enough.
 */
public final class SampleManifest {

    private SampleManifest() {
    }

    public static List<SampleRecord> generate(List<RoiIndex> rois, AugmentSettings s) {
        List<RoiIndex> sorted = sorted(rois);
        List<SampleRecord> out = new ArrayList<>(s.samples());
        for (int n = 0; n < s.samples(); n++) {
            out.add(draw(sorted, s, n));
        }
        return out;
    }

    /** Sample n of the manifest (for drawing ranges in parallel); {@code sortedRois} sorted by id. */
    public static SampleRecord draw(List<RoiIndex> sortedRois, AugmentSettings s, long n) {
        if (sortedRois.isEmpty()) {
            throw new IllegalArgumentException("no ROIs to sample from");
        }
        long seed = mix(s.seed() * 0x9E3779B97F4A7C15L + n);
        SplittableRandom rng = new SplittableRandom(seed);
        RoiIndex r = sortedRois.get(rng.nextInt(sortedRois.size()));
        double u = rng.nextDouble();
        int centre = -1;
        if (u < s.pTumor() && r.tumorCount() > 0) {
            centre = r.tumorAt(rng.nextInt(r.tumorCount()));
        } else if (u < s.pTumor() + s.pKidney() && (r.kidneyCount() > 0 || r.tumorCount() > 0)) {
            centre = r.kidneyCount() > 0 ? r.kidneyAt(rng.nextInt(r.kidneyCount()))
                : r.tumorAt(rng.nextInt(r.tumorCount()));
        }
        int x0;
        int y0;
        int z0;
        if (centre >= 0) {
            x0 = clampOrigin(centre % r.nx() - s.width() / 2, r.nx(), s.width());
            y0 = clampOrigin((centre / r.nx()) % r.ny() - s.height() / 2, r.ny(), s.height());
            z0 = clampOrigin(centre / (r.nx() * r.ny()) - s.depth() / 2, r.nz(), s.depth());
        } else {
            x0 = randomOrigin(rng, r.nx(), s.width());
            y0 = randomOrigin(rng, r.ny(), s.height());
            z0 = randomOrigin(rng, r.nz(), s.depth());
        }
        boolean[] flip = new boolean[3];
        for (int a : s.flipAxes()) {
            flip[a] = rng.nextDouble() < s.flipProbability();
        }
        return new SampleRecord(r.roiId(), z0, y0, x0, flip[2], flip[1], flip[0], seed);
    }

    public static List<RoiIndex> sorted(List<RoiIndex> rois) {
        List<RoiIndex> s = new ArrayList<>(rois);
        s.sort(Comparator.comparing(RoiIndex::roiId));
        return s;
    }

    /** Keeps the crop inside [0, n) when n >= size, else covering all of [0, n). */
    static int clampOrigin(int o, int n, int size) {
        int lo = Math.min(0, n - size);
        int hi = Math.max(0, n - size);
        return Math.max(lo, Math.min(hi, o));
    }

    private static int randomOrigin(SplittableRandom rng, int n, int size) {
        int lo = Math.min(0, n - size);
        int hi = Math.max(0, n - size);
        return lo + rng.nextInt(hi - lo + 1);
    }

    /** SplitMix64's finalizer: neighbouring n give unrelated seeds. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
