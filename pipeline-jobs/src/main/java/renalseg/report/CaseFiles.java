package renalseg.report;

/** Where one case's CT and reference segmentation are (any Hadoop URI or local path); label may be null. */
public record CaseFiles(String caseId, String imageUri, String labelUri) {
}
