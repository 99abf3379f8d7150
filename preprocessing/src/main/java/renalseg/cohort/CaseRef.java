package renalseg.cohort;

/**
 * One case of a cohort: its id (safe as a file name, see {@link #checkId}), the image URI and the label
 * map URI (null for an unlabelled case). URIs are Hadoop paths ({@code file:/...}, {@code s3a://...}).
 */
public record CaseRef(String caseId, String imageUri, String labelUri) implements java.io.Serializable {

    private static final int MAX_ID_LENGTH = 200;

    public CaseRef {
        checkId(caseId);
        if (imageUri == null || imageUri.isBlank()) {
            throw new IllegalArgumentException("case " + caseId + ": no image URI");
        }
        if (labelUri != null && labelUri.isBlank()) {
            labelUri = null;
        }
    }

    public boolean labelled() {
        return labelUri != null;
    }

    /**
     * Throws {@link InvalidCaseId} unless {@code id} can be used as one path element under an output folder:
     * not empty, not "." or "..", no slash or backslash, no control characters, at most 200 characters.
     */
    public static String checkId(String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidCaseId("invalid case id: empty");
        }
        if (id.equals(".") || id.equals("..")) {
            throw new InvalidCaseId("invalid case id \"" + id + "\": would escape the output folder");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new InvalidCaseId("invalid case id \"" + id.substring(0, 40) + "...\": longer than "
                + MAX_ID_LENGTH + " characters");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '/' || c == '\\') {
                throw new InvalidCaseId("invalid case id \"" + id + "\": contains a path separator");
            }
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidCaseId("invalid case id " + escaped(id) + ": contains a control character");
            }
        }
        return id;
    }

    private static String escaped(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.append('"').toString();
    }
}
