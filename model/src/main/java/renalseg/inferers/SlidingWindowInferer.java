package renalseg.inferers;

import java.util.ArrayList;
import java.util.Arrays;
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
    /** Window inputs per forward pass. */
    private final int batch;

    /**
     * Input voxels per forward pass. A forward of a small window is dominated by per-operation overhead,
     * so windows (and their mirrored copies) go through the network together, as MONAI's
     * {@code sw_batch_size} does: 16 windows of 16 x 32 x 32 per pass (measured with the medium network,
     * 2 cores at load ~2.5: 8 windows in one pass cost 0.55 s against 8 x 0.11 s one by one; in the
     * standard recipe's infer stage, 2 tasks of 1 thread, mirrored: 5 min 15 s -> 4 min 39 s). A window this size or
     * larger (the paper's 64 x 128 x 128) goes alone, so a pass never holds more activations than one such
     * window: batching changes time, not peak memory, for the large network.
     */
    static final long BATCH_VOXELS = 1L << 18;

    /**
     * @param window  [D, H, W] of each window (the model's input size, or any size the network accepts)
     * @param classes network output channels
     */
    public SlidingWindowInferer(ComputationGraph network, int[] window, int classes, InferSettings settings) {
        this(network, window, classes, settings,
            (int) Math.max(1, BATCH_VOXELS / ((long) window[0] * window[1] * window[2])));
    }

    /** As above, with at most {@code batch} window inputs (mirrored copies count) per forward pass. */
    SlidingWindowInferer(ComputationGraph network, int[] window, int classes, InferSettings settings, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        this.network = network;
        this.window = window.clone();
        this.classes = classes;
        this.settings = settings;
        this.batch = batch;
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
        int copies = copies();
        // whole windows per group (at least one); the voter gets them in tiling order, as before batching
        int perGroup = Math.max(1, batch / copies);
        List<int[]> group = new ArrayList<>(perGroup);
        for (int z0 : zs) {
            for (int y0 : ys) {
                for (int x0 : xs) {
                    group.add(new int[] {z0, y0, x0});
                    if (group.size() == perGroup) {
                        voteGroup(voter, group, volume, depth, height, width, padValue);
                    }
                }
            }
        }
        if (!group.isEmpty()) {
            voteGroup(voter, group, volume, depth, height, width, padValue);
        }
        return voter;
    }

    /** Predicts the windows at these origins (and their mirrored copies) in passes of {@code batch}; clears it. */
    private void voteGroup(OverlapVoter voter, List<int[]> origins, float[] volume, int d, int h, int w, float pad) {
        int copies = copies();
        int wd = window[0];
        int wh = window[1];
        int ww = window[2];
        List<float[]> inputs = new ArrayList<>(origins.size() * copies);
        for (int[] o : origins) {
            float[] win = crop(volume, d, h, w, o[0], o[1], o[2], pad);
            for (int mask = 0; mask < copies; mask++) {
                inputs.add(flip(win, 1, wd, wh, ww, (mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0));
            }
        }
        List<float[]> outputs = new ArrayList<>(inputs.size());
        for (int from = 0; from < inputs.size(); from += batch) {
            outputs.addAll(forward(inputs.subList(from, Math.min(inputs.size(), from + batch))));
        }
        for (int k = 0; k < origins.size(); k++) {
            float[] p;
            if (copies == 1) {
                p = outputs.get(k);
            } else {
                // nnU-Net's test-time mirroring: each copy flipped back, the 8 probability maps averaged
                p = new float[classes * wd * wh * ww];
                for (int mask = 0; mask < copies; mask++) {
                    float[] q = flip(outputs.get(k * copies + mask), classes, wd, wh, ww, (mask & 1) != 0,
                        (mask & 2) != 0, (mask & 4) != 0);
                    for (int i = 0; i < p.length; i++) {
                        p[i] += q[i];
                    }
                }
                for (int i = 0; i < p.length; i++) {
                    p[i] /= copies;
                }
            }
            int[] o = origins.get(k);
            voter.add(p, o[0], o[1], o[2], wd, wh, ww);
        }
        origins.clear();
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

    /** Network inputs per window: the window, and with mirroring its 7 flipped copies. */
    private int copies() {
        return settings.mirroring() ? 8 : 1;
    }

    /** Class probabilities [classes][wd][wh][ww] of each window input, from one forward pass. */
    private List<float[]> forward(List<float[]> wins) {
        int voxels = window[0] * window[1] * window[2];
        float[] all = new float[wins.size() * voxels];
        for (int n = 0; n < wins.size(); n++) {
            System.arraycopy(wins.get(n), 0, all, n * voxels, voxels);
        }
        INDArray x = Nd4j.create(all, new long[] {wins.size(), 1, window[0], window[1], window[2]}, 'c')
            .castTo(network.getConfiguration().getDataType());
        float[] out = network.outputSingle(false, x).castTo(DataType.FLOAT).dup('c').data().asFloat();
        int per = classes * voxels;
        List<float[]> probs = new ArrayList<>(wins.size());
        for (int n = 0; n < wins.size(); n++) {
            probs.add(Arrays.copyOfRange(out, n * per, (n + 1) * per));
        }
        return probs;
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
