package renalseg.transforms;

import renalseg.volume.ImageVolume;

/**
 * Clips HU to [min, max] and scales to [0, 1] (the paper's [-200, 500]). The training mean is subtracted
 * later ({@link Normalization}), because it is computed over the training ROIs made with this window.
 */
public record HuWindow(double min, double max) implements java.io.Serializable {

    public float scale(double hu) {
        double c = hu < min ? min : (hu > max ? max : hu);
        if (Double.isNaN(hu)) {
            c = min; // NaN voxels (rare, float files) read as air rather than poisoning the network
        }
        return (float) ((c - min) / (max - min));
    }

    public ImageVolume apply(ImageVolume v) {
        float[] in = v.voxels();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = scale(in[i]);
        }
        return new ImageVolume(v.geometry(), out);
    }
}
