package renalseg.report;

/**
 * One row of the run's {@code localizations} table: what the localizer found in a case whose ROIs came
 * from it, and the share of the true kidney-or-tumor voxels inside its ROIs (null without a label map).
 */
public record LocalizationRow(String caseId, long kidneys, long rois, Double recall, double seconds, String finding) {
}
