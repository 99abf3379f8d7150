package renalseg.training;

import java.util.ArrayList;
import java.util.List;
import renalseg.inferers.SlidingWindowInferer;
import renalseg.roi.KidneyRoi;

/**
 * Dice of kidney (label 1 alone, as METRICS.md's {@code kidney}), tumor (label 2) and kidney_and_tumor
 * pooled over labelled ROIs (sums of intersections and sizes over all ROIs: a quick learning check during
 * training; per-case reports use renalseg.metrics). A region absent from both truth and prediction
 * everywhere scores 1.
 */
public record RoiDice(double kidney, double tumor, double kidneyAndTumor, int rois, long voxels) {

    public static RoiDice evaluate(SlidingWindowInferer inferer, List<KidneyRoi> rois, double mean, float padScaled) {
        List<byte[]> truth = new ArrayList<>();
        List<byte[]> pred = new ArrayList<>();
        for (KidneyRoi r : rois) {
            truth.add(r.labels());
            pred.add(inferer.segment(r, mean, padScaled));
        }
        return pooled(truth, pred);
    }

    /** Pooled Dice of predictions against truths, ROI by ROI (same order, same lengths). */
    public static RoiDice pooled(List<byte[]> truths, List<byte[]> preds) {
        if (truths.size() != preds.size()) {
            throw new IllegalArgumentException(truths.size() + " truths but " + preds.size() + " predictions");
        }
        long[] inter = new long[3];
        long[] pred = new long[3];
        long[] truth = new long[3];
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
                int a = p[i];
                int b = t[i];
                for (int k = 0; k < 3; k++) {
                    boolean inP = k == 2 ? a > 0 : a == k + 1;
                    boolean inT = k == 2 ? b > 0 : b == k + 1;
                    if (inP) {
                        pred[k]++;
                    }
                    if (inT) {
                        truth[k]++;
                    }
                    if (inP && inT) {
                        inter[k]++;
                    }
                }
            }
        }
        return new RoiDice(dice(inter[0], pred[0], truth[0]), dice(inter[1], pred[1], truth[1]),
            dice(inter[2], pred[2], truth[2]), truths.size(), voxels);
    }

    static double dice(long inter, long pred, long truth) {
        return pred + truth == 0 ? 1.0 : 2.0 * inter / (pred + truth);
    }
}
