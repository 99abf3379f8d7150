package renalseg.inferers;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import renalseg.plan.SegmentationPlan;
import renalseg.postprocessing.components.LargestComponents;
import renalseg.postprocessing.crf.CrfRefiner;
import renalseg.postprocessing.voting.OverlapVoter;
import renalseg.roi.CasePreprocessor;
import renalseg.roi.KidneyRoi;
import renalseg.roi.KidneySide;
import renalseg.roi.PreparedCase;
import renalseg.roi.RoiBox;
import renalseg.roi.RoiPlacement;
import renalseg.roi.RoiSource;
import renalseg.training.Checkpoint;
import renalseg.transforms.HuWindow;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * The one way a case is segmented, by {@code segment}, {@code train}'s held-out evaluation and the
 * pipeline's stages: image → canonical orientation (and resampling, per the plan) → ROIs (from the label
 * map, the localizer, or the whole volume) → sliding windows and voting → CRF → largest components → ROIs
 * pasted back into the image's own grid. The steps are public so that Spark can run them apart on the
 * same code: {@link #infer} per ROI where the network lives, {@link #postprocess} per ROI and
 * {@link PreparedCase#pasteToSource} per case without it.
 */
public final class CaseSegmenter {

    private final SlidingWindowInferer inferer;
    private final double mean;
    private final SegmentationPlan plan;

    /**
     * @param window  [D, H, W] of the network's input
     * @param classes network output channels
     * @param mean    the training mean of the windowed intensities (the checkpoint's)
     * @param plan    the effective plan (the checkpoint's, resolved against the configuration)
     */
    public CaseSegmenter(ComputationGraph network, int[] window, int classes, double mean, SegmentationPlan plan) {
        this.inferer = new SlidingWindowInferer(network, window, classes, plan.infer());
        this.mean = mean;
        this.plan = plan;
    }

    public static CaseSegmenter of(Checkpoint c, SegmentationPlan plan) {
        return new CaseSegmenter(c.network(), c.spec().input(), c.spec().classes(), c.normalizationMean(), plan);
    }

    /** A case's result: its ROIs, each ROI's network and final labels, probabilities when asked, the label map. */
    public record Segmentation(PreparedCase prepared, List<byte[]> networkLabels, List<byte[]> roiLabels,
                               List<float[]> probabilities, LabelVolume labels) {
    }

    /**
     * Segments one case.
     *
     * @param labels            on the image's grid, or null; only read by a label-map ROI source
     * @param source            where the ROIs come from; null = the whole volume as one region
     * @param keepProbabilities whether to return each ROI's class probabilities
     */
    public Segmentation segment(String caseId, ImageVolume image, LabelVolume labels, RoiSource source,
                                boolean keepProbabilities) {
        PreparedCase pc = prepare(caseId, image, labels, source, plan);
        // a kidney ROI holds one kidney (its central component); the whole volume keeps postprocess.keep-components
        boolean kidneyRoi = source != null;
        List<byte[]> raw = new ArrayList<>();
        List<byte[]> out = new ArrayList<>();
        List<float[]> probs = keepProbabilities ? new ArrayList<>() : null;
        for (KidneyRoi roi : pc.rois()) {
            OverlapVoter v = infer(roi);
            boolean needProbs = keepProbabilities || plan.crf().enabled();
            float[] p = needProbs ? v.probabilities() : null;
            byte[] l = v.labels();
            raw.add(l);
            // one JVM, one case: the CRF may use every core (its output is the same for any thread count)
            out.add(postprocess(roi, l, p, pc.processing().spacing(), plan, kidneyRoi,
                Runtime.getRuntime().availableProcessors()));
            if (probs != null) {
                probs.add(p);
            }
        }
        return new Segmentation(pc, raw, out, probs, pc.pasteToSource(out));
    }

    /** Canonical orientation, resampling and ROIs of one case, as the plan says. */
    public static PreparedCase prepare(String caseId, ImageVolume image, LabelVolume labels, RoiSource source,
                                       SegmentationPlan plan) {
        return new CasePreprocessor(plan.preprocess(), plan.roi(), source == null ? wholeVolume() : source)
            .prepare(caseId, image, labels);
    }

    /** Sliding windows and voting over one ROI (normalized with the training mean, padded per the plan). */
    public OverlapVoter infer(KidneyRoi roi) {
        return inferer.vote(roi, mean, plan.preprocess().window().scale(plan.roi().padHu()));
    }

    /**
     * The plan's post-processing of one ROI's network labels: the CRF (when enabled) on its probabilities and
     * intensities, then, in a kidney ROI, the kidney-or-tumor component with the most voxels in the ROI's
     * centre ({@link #centre}), else the {@code postprocess.keep-components} largest.
     *
     * @param probabilities class-major [classes][voxels], needed only when the CRF is enabled
     * @param spacing       mm per voxel of the grid the ROI was cut from (x, y, z)
     * @param kidneyRoi     whether the ROI was drawn around one kidney (label map or localizer), not a whole volume
     * @param threads       the CRF's threads (its output does not depend on them)
     */
    public static byte[] postprocess(KidneyRoi roi, byte[] labels, float[] probabilities, double[] spacing,
                                     SegmentationPlan plan, boolean kidneyRoi, int threads) {
        int nx = roi.width();
        int ny = roi.height();
        int nz = roi.depth();
        byte[] l = labels;
        if (plan.crf().enabled()) {
            if (probabilities == null) {
                throw new IllegalStateException(roi.id() + ": the CRF is enabled but no probabilities were kept "
                    + "(rerun inference with postprocess.crf.enabled = true)");
            }
            float[] hu = hounsfield(roi, plan.preprocess().window());
            l = CrfRefiner.refine(probabilities, hu, probabilities.length / hu.length, nx, ny, nz, spacing, plan.crf(),
                threads);
        }
        if (!kidneyRoi) {
            return LargestComponents.keep(l, nx, ny, nz, plan.components().keep(), plan.components().connectivity());
        }
        int[][] c = centre(nx, ny, nz, plan.roi().sliceMargin());
        return LargestComponents.keepCentral(l, nx, ny, nz, c[0], c[1], plan.components().connectivity());
    }

    /**
     * The centre of a kidney ROI, {lo, hi} (x, y, z; hi exclusive): its middle half in-plane and its slices
     * less the slice margin on each side (at least one slice). The box was drawn around the kidney (label
     * box, or localizer box grown by its margin), so the kidney fills this part and a neighbouring organ
     * reaches it at most with an edge.
     */
    static int[][] centre(int nx, int ny, int nz, int sliceMargin) {
        int m = Math.max(0, Math.min(sliceMargin, (nz - 1) / 2));
        return new int[][] {{nx / 4, ny / 4, m}, {nx - nx / 4, ny - ny / 4, nz - m}};
    }

    /** The CRF's appearance kernel compares HU: an ROI's windowed [0, 1] values mapped back (clipped HU). */
    public static float[] hounsfield(KidneyRoi roi, HuWindow w) {
        float[] v = roi.voxels();
        float[] hu = new float[v.length];
        for (int i = 0; i < hu.length; i++) {
            hu[i] = (float) (w.min() + v[i] * (w.max() - w.min()));
        }
        return hu;
    }

    /** One region covering the whole canonical volume (no label map and no localizer). */
    public static RoiSource wholeVolume() {
        return (caseId, image, labels) -> {
            var g = image.geometry();
            return List.of(new RoiPlacement(KidneySide.LEFT, new RoiBox(0, 0, 0, g.nx(), g.ny(), g.nz())));
        };
    }

    public SegmentationPlan plan() {
        return plan;
    }
}
