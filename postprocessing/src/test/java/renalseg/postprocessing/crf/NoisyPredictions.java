package renalseg.postprocessing.crf;

import java.util.Random;
import renalseg.volume.Geometry;
import renalseg.volume.LabelVolume;

/**
 * Simulated network output for a known truth: per class, logit = signal x (one-hot of the truth, blurred
 * by 1 voxel so boundaries are uncertain) + spatially correlated Gaussian noise (white noise blurred by
 * {@code noiseSigmaVox} voxels, rescaled to standard deviation {@code noiseSd}); probabilities = softmax.
 * The correlated noise makes what networks make: blobs of false positives, holes, ragged borders.
 */
final class NoisyPredictions {

    private NoisyPredictions() {
    }

    /** Class-major [3][voxels] probabilities. */
    static float[] simulate(LabelVolume truth, long seed, double signal, double noiseSd, double noiseSigmaVox) {
        Geometry g = truth.geometry();
        int n = truth.labels().length;
        int classes = 3;
        Random rnd = new Random(seed);
        float[] logits = new float[classes * n];
        for (int c = 0; c < classes; c++) {
            float[] onehot = new float[n];
            for (int v = 0; v < n; v++) {
                onehot[v] = truth.labels()[v] == c ? 1f : 0f;
            }
            blur(onehot, g.nx(), g.ny(), g.nz(), 1.0);
            float[] noise = new float[n];
            for (int v = 0; v < n; v++) {
                noise[v] = (float) rnd.nextGaussian();
            }
            blur(noise, g.nx(), g.ny(), g.nz(), noiseSigmaVox);
            double var = 0;
            for (float x : noise) {
                var += x * x;
            }
            double scale = noiseSd / Math.sqrt(var / n);
            for (int v = 0; v < n; v++) {
                logits[c * n + v] = (float) (signal * onehot[v] + scale * noise[v]);
            }
        }
        float[] p = new float[classes * n];
        for (int v = 0; v < n; v++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[c * n + v]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[c * n + v] - max);
            }
            for (int c = 0; c < classes; c++) {
                p[c * n + v] = (float) (Math.exp(logits[c * n + v] - max) / sum);
            }
        }
        return p;
    }

    /** In-place separable Gaussian blur (sigma in voxels, same on every axis; truncated at 3 sigma). */
    static void blur(float[] a, int nx, int ny, int nz, double sigma) {
        if (sigma <= 0) {
            return;
        }
        int r = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * r + 1];
        double s = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
            s += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= s;
        }
        int[] dims = {nx, ny, nz};
        int[] strides = {1, nx, nx * ny};
        for (int axis = 0; axis < 3; axis++) {
            int len = dims[axis];
            int stride = strides[axis];
            float[] line = new float[len];
            for (int start = 0; start < a.length; start++) {
                // the first voxel of each line along this axis has coordinate 0 on it
                if ((start / stride) % len != 0) {
                    continue;
                }
                for (int i = 0; i < len; i++) {
                    line[i] = a[start + i * stride];
                }
                for (int i = 0; i < len; i++) {
                    double acc = 0;
                    for (int j = -r; j <= r; j++) {
                        int q = Math.min(len - 1, Math.max(0, i + j));
                        acc += k[j + r] * line[q];
                    }
                    a[start + i * stride] = (float) acc;
                }
            }
        }
    }

    /** Dice of one label between two label arrays (1 when both are empty). */
    static double dice(byte[] truth, byte[] pred, int label) {
        long g = 0;
        long p = 0;
        long both = 0;
        for (int v = 0; v < truth.length; v++) {
            boolean a = truth[v] == label;
            boolean b = pred[v] == label;
            g += a ? 1 : 0;
            p += b ? 1 : 0;
            both += a && b ? 1 : 0;
        }
        return g + p == 0 ? 1.0 : 2.0 * both / (g + p);
    }
}
