package renalseg.report;

import java.util.Map;
import java.util.function.Function;
import renalseg.cohort.CaseData;
import renalseg.cohort.CaseReader;
import renalseg.cohort.CaseRef;
import renalseg.util.InputError;
import renalseg.volume.LabelVolume;
import renalseg.volume.Reorientation;

/**
 * Reads a case's CT and reference (through {@link CaseReader}: any Hadoop URI, labels mapped to KiTS
 * classes, grids checked) and its predicted segmentation, and turns all three to canonical orientation.
 * The prediction is written in the image's space (docs/design.md, postprocess), so it must share its grid.
 */
final class NiftiVolumeSource implements VolumeSource {

    private final CaseReader reader;
    private final Map<String, CaseFiles> files;
    private final Function<String, String> predictionUri;
    private final double affineToleranceMm;

    NiftiVolumeSource(CaseReader reader, Map<String, CaseFiles> files, Function<String, String> predictionUri,
                      double affineToleranceMm) {
        this.reader = reader;
        this.files = Map.copyOf(files);
        this.predictionUri = predictionUri;
        this.affineToleranceMm = affineToleranceMm;
    }

    @Override
    public CaseVolumes load(String caseId) {
        CaseFiles f = files.get(caseId);
        if (f == null) {
            throw new InputError("case " + caseId + ": not in the run's cases table (no CT to show)");
        }
        if (f.labelUri() == null) {
            throw new InputError("case " + caseId + ": has no reference segmentation");
        }
        CaseData data = reader.read(new CaseRef(caseId, f.imageUri(), f.labelUri()));
        String predUri = predictionUri.apply(caseId);
        LabelVolume pred = reader.labels(predUri);
        if (!pred.geometry().sameGrid(data.image().geometry(), affineToleranceMm)) {
            throw new InputError("case " + caseId + ": predicted segmentation " + predUri + " (" + pred.geometry()
                + ") is not on the grid of the CT " + f.imageUri() + " (" + data.image().geometry()
                + "; tolerance cohort.affine-tolerance-mm)");
        }
        Reorientation r = Reorientation.of(data.image().geometry());
        return new CaseVolumes(caseId, r.toCanonical(data.image()), r.toCanonical(data.labels()), r.toCanonical(pred));
    }
}
