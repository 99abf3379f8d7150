package renalseg.roi;

import java.util.List;
import renalseg.cohort.CaseData;
import renalseg.transforms.PreprocessSettings;
import renalseg.transforms.Resample;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;
import renalseg.volume.Reorientation;

/** Stage 2 for one case: canonical orientation, optional resampling, kidney ROIs (HU windowed to [0, 1]). */
public final class CasePreprocessor {

    private final PreprocessSettings preprocess;
    private final RoiSettings roi;
    private final RoiSource source;

    public CasePreprocessor(PreprocessSettings preprocess, RoiSettings roi, RoiSource source) {
        this.preprocess = preprocess;
        this.roi = roi;
        this.source = source;
    }

    public PreparedCase prepare(CaseData d) {
        return prepare(d.ref().caseId(), d.image(), d.labels());
    }

    /** @param labels on the image's grid, or null for an unlabelled case */
    public PreparedCase prepare(String caseId, ImageVolume image, LabelVolume labels) {
        Reorientation r = Reorientation.of(image.geometry());
        ImageVolume img = r.toCanonical(image);
        LabelVolume lab = labels == null ? null : r.toCanonical(labels);
        if (preprocess.resample()) {
            img = Resample.image(img, preprocess.spacingMm());
            lab = lab == null ? null : Resample.labels(lab, preprocess.spacingMm());
        }
        List<RoiPlacement> places = source.place(caseId, img, lab);
        List<KidneyRoi> rois = Rois.extract(caseId, img, lab, places, preprocess.window(), roi.padHu());
        return new PreparedCase(caseId, r, img.geometry(), rois);
    }
}
