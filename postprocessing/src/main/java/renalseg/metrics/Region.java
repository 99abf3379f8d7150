package renalseg.metrics;

/** The evaluated regions of docs/metrics.md and the labels each takes. */
public enum Region {
    /** Label 1 alone (the paper's kidney Dice). */
    KIDNEY("kidney"),
    /** Label 2. */
    TUMOR("tumor"),
    /** Labels 1 and 2 together (the KiTS19 composite). */
    KIDNEY_AND_TUMOR("kidney_and_tumor");

    private final String id;

    Region(String id) {
        this.id = id;
    }

    /** The name used in tables and JSON: kidney, tumor, kidney_and_tumor. */
    public String id() {
        return id;
    }

    /** Whether a voxel with this (unsigned) label belongs to the region. */
    public boolean contains(int label) {
        return switch (this) {
            case KIDNEY -> label == 1;
            case TUMOR -> label == 2;
            case KIDNEY_AND_TUMOR -> label == 1 || label == 2;
        };
    }

    public static Region of(String id) {
        for (Region r : values()) {
            if (r.id.equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown region '" + id + "' (kidney, tumor, kidney_and_tumor)");
    }
}
