package renalseg.volume;

/**
 * A label map on a grid: 0 background, 1 kidney, 2 tumor (KiTS19). Unsigned bytes; the array is
 * shared, not copied: treat it as read-only once the record exists.
 */
public record LabelVolume(Geometry geometry, byte[] labels) implements java.io.Serializable {

    public static final byte BACKGROUND = 0;
    public static final byte KIDNEY = 1;
    public static final byte TUMOR = 2;

    public LabelVolume {
        if (labels.length != geometry.voxelCount()) {
            throw new IllegalArgumentException("label count " + labels.length + " does not match " + geometry);
        }
    }

    public int get(int i, int j, int k) {
        return labels[geometry.index(i, j, k)] & 0xff;
    }

    public static LabelVolume empty(Geometry g) {
        return new LabelVolume(g, new byte[Math.toIntExact(g.voxelCount())]);
    }
}
