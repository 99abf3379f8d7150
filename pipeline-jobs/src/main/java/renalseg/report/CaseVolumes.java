package renalseg.report;

import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/** One case's CT, reference labels and predicted labels, all on one canonical (RAS) grid. */
public record CaseVolumes(String caseId, ImageVolume ct, LabelVolume truth, LabelVolume pred) {

    public CaseVolumes {
        if (!ct.geometry().sameShape(truth.geometry()) || !ct.geometry().sameShape(pred.geometry())) {
            throw new IllegalArgumentException(caseId + ": CT " + ct.geometry() + ", reference " + truth.geometry()
                + " and prediction " + pred.geometry() + " are not on one grid");
        }
    }
}
