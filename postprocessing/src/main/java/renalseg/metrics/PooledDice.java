package renalseg.metrics;

import java.util.List;

/**
 * Dice of each region with the intersections and sizes summed over many label arrays (ROIs) before
 * dividing: one number per region for a quick learning check (training's held-out ROIs), where per-case
 * reports use {@link SegmentationMetrics}. A region absent from every truth and every prediction scores 1
 * (the both-empty rule of docs/metrics.md).
 */
public record PooledDice(double kidney, double tumor, double kidneyAndTumor, int rois, long voxels) {

    /** Pooled Dice of predictions against truths, array by array (same order, same lengths). */
    public static PooledDice of(List<byte[]> truths, List<byte[]> preds) {
        if (truths.size() != preds.size()) {
            throw new IllegalArgumentException(truths.size() + " truths but " + preds.size() + " predictions");
        }
        Region[] regions = Region.values();
        long[] inter = new long[regions.length];
        long[] pred = new long[regions.length];
        long[] truth = new long[regions.length];
        long voxels = 0;
        for (int r = 0; r < truths.size(); r++) {
            byte[] p = preds.get(r);
            byte[] t = truths.get(r);
            if (p.length != t.length) {
                throw new IllegalArgumentException("ROI " + r + ": " + p.length + " predicted voxels, " + t.length
                    + " true");
            }
            voxels += p.length;
            for (int i = 0; i < p.length; i++) {
                for (int k = 0; k < regions.length; k++) {
                    boolean inP = regions[k].contains(p[i] & 0xff);
                    boolean inT = regions[k].contains(t[i] & 0xff);
                    pred[k] += inP ? 1 : 0;
                    truth[k] += inT ? 1 : 0;
                    inter[k] += inP && inT ? 1 : 0;
                }
            }
        }
        return new PooledDice(dice(inter[0], pred[0], truth[0]), dice(inter[1], pred[1], truth[1]),
            dice(inter[2], pred[2], truth[2]), truths.size(), voxels);
    }

    static double dice(long inter, long pred, long truth) {
        return pred + truth == 0 ? 1.0 : 2.0 * inter / (pred + truth);
    }
}
