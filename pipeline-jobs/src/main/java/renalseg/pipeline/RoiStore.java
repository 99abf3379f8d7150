package renalseg.pipeline;

import java.lang.ref.SoftReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.broadcast.Broadcast;
import renalseg.roi.KidneyRoi;
import renalseg.roi.RoiCodec;

/**
 * Executor-side cache of decoded ROIs from a broadcast of their compact bytes: every task of a training
 * round finds the ROIs its samples need already decoded (soft references: under memory pressure the JVM
 * drops them and they are decoded again).
 */
public final class RoiStore {

    private static final Map<String, SoftReference<KidneyRoi>> CACHE = new ConcurrentHashMap<>();

    private RoiStore() {
    }

    public static KidneyRoi get(Broadcast<? extends Map<String, byte[]>> rois, String roiId) {
        String key = rois.id() + "/" + roiId;
        SoftReference<KidneyRoi> ref = CACHE.get(key);
        KidneyRoi r = ref == null ? null : ref.get();
        if (r == null) {
            byte[] packed = rois.value().get(roiId);
            if (packed == null) {
                throw new IllegalStateException("sample refers to ROI " + roiId + ", which is not a training ROI");
            }
            r = RoiCodec.decode(packed);
            CACHE.put(key, new SoftReference<>(r));
        }
        return r;
    }
}
