package renalseg.training;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import renalseg.augment.AugmentSettings;
import renalseg.augment.RoiIndex;
import renalseg.augment.SampleManifest;
import renalseg.augment.SampleMaterializer;
import renalseg.augment.SampleRecord;
import renalseg.augment.SampleTensor;
import renalseg.roi.KidneyRoi;

/**
 * Endless minibatches of augmented samples drawn from kidney ROIs held in memory (single-JVM training).
 * Sample n is {@code SampleManifest.draw(rois, settings, n)}, so the stream is a pure function of the
 * sample index: starting at {@code firstSample} = a checkpoint's {@code samplesSeen} resumes it exactly.
 */
public final class RoiSampleBatches extends SampleBatches {

    private final List<RoiIndex> sorted;
    private final Map<String, KidneyRoi> byId = new HashMap<>();
    private final AugmentSettings augment;
    private final SampleMaterializer materializer;

    /**
     * @param mean      training mean of the windowed intensities (subtracted from every sample)
     * @param padScaled the windowed value of roi.pad-hu (beyond-ROI padding)
     */
    public RoiSampleBatches(List<KidneyRoi> rois, AugmentSettings augment, double mean, float padScaled, int batchSize,
                            int classes, DataType dataType, long firstSample) {
        super(batchSize, classes, dataType, firstSample);
        List<RoiIndex> idx = new ArrayList<>();
        for (KidneyRoi r : rois) {
            if (r.labels() == null) {
                throw new IllegalArgumentException("ROI " + r.id() + " has no labels: cannot train on it");
            }
            byId.put(r.id(), r);
            idx.add(RoiIndex.of(r, augment.maxCandidates()));
        }
        this.sorted = SampleManifest.sorted(idx);
        this.augment = augment;
        this.materializer = new SampleMaterializer(augment, mean, padScaled);
    }

    @Override
    public SampleTensor sample(long n) {
        SampleRecord rec = SampleManifest.draw(sorted, augment, n);
        return materializer.materialize(rec, byId.get(rec.roiId()));
    }
}
