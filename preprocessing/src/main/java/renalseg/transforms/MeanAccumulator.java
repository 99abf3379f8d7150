package renalseg.transforms;

/**
 * Sum and count of scaled intensities, mergeable (a Spark aggregate over training ROIs). The mean is
 * taken over every ROI voxel inside the volume, in double precision.
 */
public record MeanAccumulator(double sum, long count) implements java.io.Serializable {

    public static final MeanAccumulator EMPTY = new MeanAccumulator(0, 0);

    public MeanAccumulator add(float[] values) {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return new MeanAccumulator(sum + s, count + values.length);
    }

    public MeanAccumulator merge(MeanAccumulator o) {
        return new MeanAccumulator(sum + o.sum, count + o.count);
    }

    public double mean() {
        if (count == 0) {
            throw new IllegalStateException("no voxels: the training set has no ROIs");
        }
        return sum / count;
    }
}
