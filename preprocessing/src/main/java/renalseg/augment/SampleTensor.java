package renalseg.augment;

/**
 * A materialized sample: features [1][D][H][W] (network input: windowed intensity minus the training mean)
 * and labels [D][H][W] (class ids 0, 1, 2), both C-order, ready for a DL4J {@code DataSet} (NCDHW).
 */
public record SampleTensor(int depth, int height, int width, float[] features, byte[] labels)
    implements java.io.Serializable {

    public SampleTensor {
        int n = depth * height * width;
        if (features.length != n || labels.length != n) {
            throw new IllegalArgumentException("arrays do not hold " + depth + "x" + height + "x" + width);
        }
    }

    /** Labels one-hot, [classes][D][H][W] C-order (the dense form of DL4J's loss layers). */
    public float[] oneHot(int classes) {
        int n = labels.length;
        float[] out = new float[classes * n];
        for (int i = 0; i < n; i++) {
            int c = labels[i] & 0xff;
            if (c >= classes) {
                throw new IllegalStateException("label " + c + " >= " + classes + " classes");
            }
            out[c * n + i] = 1f;
        }
        return out;
    }
}
