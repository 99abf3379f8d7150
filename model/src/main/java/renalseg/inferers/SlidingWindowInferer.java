package renalseg.inferers;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import renalseg.postprocessing.voting.OverlapVoter;
import renalseg.roi.KidneyRoi;

/**
 * Segments a volume (in practice a kidney ROI) with windows of the network's input size: windows tile
 * every axis with the configured overlap (the last window is moved back to end at the border, as MONAI
 * does); an axis shorter than the window gets one window centred on it, padded with {@code padValue};
 * overlapping windows vote through {@link OverlapVoter}. With mirroring, each window is also predicted
 * flipped along every combination of the three axes and the 8 probability maps are averaged (nnU-Net's
 * test-time mirroring) before voting.
 *
 * <p>Volumes are C-order [D][H][W] float arrays, already normalized like the training samples
 * (windowed intensity minus the training mean).
 */
public final class SlidingWindowInferer {

    private final ComputationGraph network;
    private final int[] window;
    private final int classes;
    private final InferSettings settings;

    /**
     * @param window  [D, H, W] of each window (the model's input size, or any size the network accepts)
     * @param classes network output channels
     */
    public SlidingWindowInferer(ComputationGraph network, int[] window, int classes, InferSettings settings) {
        this.network = network;
        this.window = window.clone();
        this.classes = classes;
        this.settings = settings;
    }

    /** Window origins along one axis of length {@code size}. */
    public static int[] starts(int size, int win, double overlap) {
        if (size <= win) {
            return new int[] {-((win - size) / 2)};
        }
        int step = Math.max(1, (int) Math.floor(win * (1 - overlap)));
        List<Integer> s = new ArrayList<>();
        for (int p = 0; ; p += step) {
            if (p + win >= size) {
                s.add(size - win);
                break;
            }
            s.add(p);
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Labels of the volume, C-order [depth][height][width]. */
    public byte[] labels(float[] volume, int depth, int height, int width, float padValue) {
        return vote(volume, depth, height, width, padValue).labels();
    }

    /** The voter after all windows (labels and probabilities). */
    public OverlapVoter vote(float[] volume, int depth, int height, int width, float padValue) {
        if (volume.length != depth * height * width) {
            throw new IllegalArgumentException("volume holds " + volume.length + " voxels, not " + depth + "x" + height
                + "x" + width);
        }
        OverlapVoter voter = new OverlapVoter(classes, depth, height, width, settings.voting());
        int[] zs = starts(depth, window[0], settings.overlap()[0]);
        int[] ys = starts(height, window[1], settings.overlap()[1]);
        int[] xs = starts(width, window[2], settings.overlap()[2]);
        for (int z0 : zs) {
            for (int y0 : ys) {
                for (int x0 : xs) {
                    float[] w = crop(volume, depth, height, width, z0, y0, x0, padValue);
                    voter.add(predict(w), z0, y0, x0, window[0], window[1], window[2]);
                }
            }
        }
        return voter;
    }

    /** Segments one kidney ROI: its windowed voxels minus {@code mean}; beyond it, {@code padScaled - mean}. */
    public byte[] segment(KidneyRoi roi, double mean, float padScaled) {
        return vote(roi, mean, padScaled).labels();
    }

    /** As {@link #segment}, the voter (labels and probabilities). */
    public OverlapVoter vote(KidneyRoi roi, double mean, float padScaled) {
        float[] v = roi.voxels();
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) (v[i] - mean);
        }
        return vote(f, roi.depth(), roi.height(), roi.width(), (float) (padScaled - mean));
    }

    private float[] crop(float[] vol, int d, int h, int w, int z0, int y0, int x0, float pad) {
        int wd = window[0];
        int wh = window[1];
        int ww = window[2];
        float[] out = new float[wd * wh * ww];
        int i = 0;
        for (int z = 0; z < wd; z++) {
            int sz = z + z0;
            for (int y = 0; y < wh; y++) {
                int sy = y + y0;
                boolean row = sz >= 0 && sz < d && sy >= 0 && sy < h;
                int base = (sz * h + sy) * w;
                for (int x = 0; x < ww; x++, i++) {
                    int sx = x + x0;
                    out[i] = row && sx >= 0 && sx < w ? vol[base + sx] : pad;
                }
            }
        }
        return out;
    }

    /** Class probabilities [classes][wd][wh][ww] of one window (mirrored and averaged when configured). */
    private float[] predict(float[] win) {
        if (!settings.mirroring()) {
            return forward(win);
        }
        int wd = window[0];
        int wh = window[1];
        int ww = window[2];
        float[] sum = new float[classes * win.length];
        for (int mask = 0; mask < 8; mask++) {
            boolean fz = (mask & 1) != 0;
            boolean fy = (mask & 2) != 0;
            boolean fx = (mask & 4) != 0;
            float[] p = flip(forward(flip(win, 1, wd, wh, ww, fz, fy, fx)), classes, wd, wh, ww, fz, fy, fx);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += p[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= 8;
        }
        return sum;
    }

    private float[] forward(float[] win) {
        INDArray x = Nd4j.create(win, new long[] {1, 1, window[0], window[1], window[2]}, 'c')
            .castTo(network.getConfiguration().getDataType());
        return network.outputSingle(false, x).castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** Reverses the flagged spatial axes of a C-order [c][d][h][w] array (a new array; an involution). */
    static float[] flip(float[] a, int c, int d, int h, int w, boolean fz, boolean fy, boolean fx) {
        if (!fz && !fy && !fx) {
            return a;
        }
        float[] out = new float[a.length];
        int i = 0;
        for (int k = 0; k < c; k++) {
            for (int z = 0; z < d; z++) {
                int sz = fz ? d - 1 - z : z;
                for (int y = 0; y < h; y++) {
                    int sy = fy ? h - 1 - y : y;
                    int base = ((k * d + sz) * h + sy) * w;
                    for (int x = 0; x < w; x++, i++) {
                        out[i] = a[base + (fx ? w - 1 - x : x)];
                    }
                }
            }
        }
        return out;
    }
}
