package renalseg.localization;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import renalseg.augment.SampleTensor;
import renalseg.training.SampleBatches;

/**
 * Endless minibatches of coarse training crops of the network's input size: sample n is a pure function
 * of (seed, n) — a volume, then a centre on a kidney-or-tumor voxel with probability {@code pForeground}
 * (kidneys are a few percent of a scan; without this the crops would mostly teach background) or
 * anywhere — so starting at a checkpoint's {@code samplesSeen} resumes the stream exactly. Crops beyond
 * the volume are padded with {@code padScaled}, labelled background.
 */
public final class CoarseBatches extends SampleBatches {

    private final List<CoarseVolume> volumes;
    private final List<int[]> foreground = new ArrayList<>();
    private final int[] crop;
    private final double mean;
    private final float padScaled;
    private final double pForeground;
    private final long seed;

    /**
     * @param crop [D, H, W] of each crop
     * @param mean subtracted from every scaled intensity (the localizer's normalization)
     */
    public CoarseBatches(List<CoarseVolume> volumes, int[] crop, double mean, float padScaled, double pForeground,
                         int batchSize, DataType dataType, long seed, long firstSample) {
        super(batchSize, 2, dataType, firstSample);
        if (volumes.isEmpty()) {
            throw new IllegalArgumentException("no coarse volumes to train the localizer on");
        }
        for (CoarseVolume v : volumes) {
            if (v.labels() == null) {
                throw new IllegalArgumentException("case " + v.caseId() + " has no labels: cannot train on it");
            }
            byte[] l = v.labels();
            int n = 0;
            for (byte b : l) {
                n += b != 0 ? 1 : 0;
            }
            int[] fg = new int[n];
            for (int i = 0, k = 0; i < l.length; i++) {
                if (l[i] != 0) {
                    fg[k++] = i;
                }
            }
            foreground.add(fg);
        }
        this.volumes = List.copyOf(volumes);
        this.crop = crop.clone();
        this.mean = mean;
        this.padScaled = padScaled;
        this.pForeground = pForeground;
        this.seed = seed;
    }

    /** Sample {@code n} of the stream. */
    @Override
    public SampleTensor sample(long n) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + n);
        int vi = r.nextInt(volumes.size());
        CoarseVolume v = volumes.get(vi);
        int[] fg = foreground.get(vi);
        int w = v.width();
        int h = v.height();
        int d = v.depth();
        int centre;
        if (fg.length > 0 && r.nextDouble() < pForeground) {
            centre = fg[r.nextInt(fg.length)];
        } else {
            centre = r.nextInt(v.scaled().length);
        }
        int cx = centre % w;
        int cy = (centre / w) % h;
        int cz = centre / (w * h);
        // centre plus a jitter of up to a quarter crop, so foreground does not always sit in the middle
        int z0 = cz - crop[0] / 2 + jitter(r, crop[0]);
        int y0 = cy - crop[1] / 2 + jitter(r, crop[1]);
        int x0 = cx - crop[2] / 2 + jitter(r, crop[2]);
        int cd = crop[0];
        int ch = crop[1];
        int cw = crop[2];
        float[] f = new float[cd * ch * cw];
        byte[] l = new byte[f.length];
        float pad = (float) (padScaled - mean);
        float[] src = v.scaled();
        byte[] srcL = v.labels();
        int i = 0;
        for (int z = 0; z < cd; z++) {
            int sz = z0 + z;
            for (int y = 0; y < ch; y++) {
                int sy = y0 + y;
                boolean row = sz >= 0 && sz < d && sy >= 0 && sy < h;
                int base = (sz * h + sy) * w;
                for (int x = 0; x < cw; x++, i++) {
                    int sx = x0 + x;
                    if (row && sx >= 0 && sx < w) {
                        f[i] = (float) (src[base + sx] - mean);
                        l[i] = srcL[base + sx];
                    } else {
                        f[i] = pad;
                    }
                }
            }
        }
        return new SampleTensor(cd, ch, cw, f, l);
    }

    private static int jitter(SplittableRandom r, int size) {
        int j = size / 4;
        return j == 0 ? 0 : r.nextInt(-j, j + 1);
    }
}
