package renalseg.report;

/** Loads the volumes of the cases the report shows as slices (from NIfTI files, or from memory in tests). */
@FunctionalInterface
public interface VolumeSource {

    /** The case's volumes; throws with a message naming the file when one is missing or unreadable. */
    CaseVolumes load(String caseId) throws Exception;
}
