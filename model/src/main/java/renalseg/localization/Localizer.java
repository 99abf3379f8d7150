package renalseg.localization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import renalseg.inferers.InferSettings;
import renalseg.inferers.SlidingWindowInferer;
import renalseg.networks.ModelSpec;
import renalseg.postprocessing.components.ComponentLabeller;
import renalseg.postprocessing.components.ComponentLabels;
import renalseg.postprocessing.components.Connectivity;
import renalseg.postprocessing.voting.OverlapVoter;
import renalseg.postprocessing.voting.VotingMode;
import renalseg.roi.KidneySide;
import renalseg.roi.LabelRoiSource;
import renalseg.roi.RoiPlacement;
import renalseg.roi.RoiSettings;
import renalseg.training.Checkpoint;
import renalseg.transforms.HuWindow;
import renalseg.util.InputError;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;

/**
 * The coarse kidney localizer (the low-resolution stage of a cascade, as nnU-Net's, in place of the
 * paper's multi-atlas step): the whole canonical scan resampled to a coarse grid, windowed and
 * normalized like the fine network's input (with the localizer's own training mean), segmented into
 * kidney-or-tumor vs background by a small FCN-PPM from the same builder, cleaned to the two largest
 * 18-connected components above a minimum size (a component bridging the midline split into its left and
 * right part), each component's box mapped back to the fine grid,
 * grown by a safety margin and shaped into an ROI by the same rule as {@link LabelRoiSource}.
 *
 * <p>Files: a folder ({@code <checkpoints>/localizer/}) holding {@code localizer.zip} (a
 * {@link Checkpoint}: network, model spec, training mean, history) and {@code localizer.json}
 * ({@link LocalizerMeta}).
 */
public final class Localizer {

    public static final String DIR = "localizer";
    public static final String NETWORK = "localizer.zip";
    public static final String META = "localizer.json";
    /** Neighbouring windows overlap by a quarter; soft voting (mean probability) as nnU-Net stitches. */
    private static final double OVERLAP = 0.25;

    private final ComputationGraph network;
    private final ModelSpec spec;
    private final double mean;
    private final LocalizerMeta meta;

    public Localizer(ComputationGraph network, ModelSpec spec, double mean, LocalizerMeta meta) {
        if (spec.classes() != 2) {
            throw new IllegalArgumentException("the localizer network needs 2 classes, not " + spec.classes());
        }
        this.network = network;
        this.spec = spec;
        this.mean = mean;
        this.meta = meta;
    }

    /**
     * Reads a localizer from its folder, or from a checkpoint folder holding {@code localizer/}.
     */
    public static Localizer load(Path path) throws IOException {
        Path dir = Files.isDirectory(path.resolve(DIR)) ? path.resolve(DIR) : path;
        if (!Files.isRegularFile(dir.resolve(NETWORK))) {
            throw new InputError("no localizer in " + path + " (expected " + DIR + "/" + NETWORK + " or " + NETWORK
                + "; train one with the train stage)");
        }
        Checkpoint c = Checkpoint.read(dir.resolve(NETWORK));
        return new Localizer(c.network(), c.spec(), c.normalizationMean(), LocalizerMeta.read(dir.resolve(META)));
    }

    public static boolean existsIn(Path path) {
        return Files.isRegularFile(path.resolve(DIR).resolve(NETWORK)) || Files.isRegularFile(path.resolve(NETWORK));
    }

    public LocalizerMeta meta() {
        return meta;
    }

    public double mean() {
        return mean;
    }

    public ModelSpec spec() {
        return spec;
    }

    public HuWindow window() {
        return new HuWindow(meta.huMin(), meta.huMax());
    }

    /** The scan on the coarse grid (no labels). */
    public CoarseVolume coarse(String caseId, ImageVolume canonical) {
        return CoarseVolume.of(caseId, canonical, null, meta.spacingMm(), window());
    }

    /**
     * The network's kidney-or-tumor mask of a coarse volume (1 where the foreground probability reaches
     * the threshold), x fastest. The volume runs in one window (each axis padded up to the network's size
     * multiple) unless it exceeds {@code maxWindow}; then in overlapping windows of that size.
     */
    public byte[] coarseMask(CoarseVolume v) {
        int m = spec.sizeMultiple();
        int[] dims = {v.depth(), v.height(), v.width()};
        int[] win = new int[3];
        for (int a = 0; a < 3; a++) {
            int cap = Math.max(m, meta.maxWindow()[a] / m * m);
            win[a] = Math.min(cap, (dims[a] + m - 1) / m * m);
        }
        SlidingWindowInferer inf = new SlidingWindowInferer(network, win, 2,
            new InferSettings(new double[] {OVERLAP, OVERLAP, OVERLAP}, VotingMode.SOFT, false));
        float[] s = v.scaled();
        float[] f = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            f[i] = (float) (s[i] - mean);
        }
        float pad = (float) (window().scale(meta.padHu()) - mean);
        OverlapVoter voter = inf.vote(f, dims[0], dims[1], dims[2], pad);
        float[] p = voter.probabilities();
        int n = s.length;
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (p[n + i] >= meta.threshold() ? 1 : 0);
        }
        return out;
    }

    /**
     * Finds the kidneys of a canonical scan and places an ROI around each.
     *
     * @param canonical the scan on the processing grid (canonical RAS, HU), as {@code RoiSource.place} gets it
     * @param roi       the ROI shape rules (in-plane window, slice margin), as for label ROIs
     */
    public Localization localize(String caseId, ImageVolume canonical, RoiSettings roi) {
        long t0 = System.nanoTime();
        CoarseVolume v = coarse(caseId, canonical);
        byte[] mask = coarseMask(v);
        return fromMask(caseId, mask, v.geometry(), canonical.geometry(), meta, roi, t0);
    }

    /**
     * Turns a coarse kidney-or-tumor mask (x fastest on {@code cg}) into kidneys and ROIs on the fine grid
     * {@code fg} (the grid the coarse one was resampled from): the two largest 18-connected components of at
     * least {@code meta.minComponentMl()} (one that bridges the midline with that much on each side counts as
     * two, cut at the midline: {@link MidlineSplit}), each one's fine footprint grown by {@code meta.marginMm()}.
     */
    static Localization fromMask(String caseId, byte[] mask, Geometry cg, Geometry fg, LocalizerMeta meta,
                                 RoiSettings roi, long t0) {
        int[] fn = fg.shape();
        double mid = fg.toWorld((fn[0] - 1) / 2.0, (fn[1] - 1) / 2.0, (fn[2] - 1) / 2.0)[0];
        // a half qualifies as a kidney by the same minimum size as a whole component
        long minVoxels = Math.max(1, (long) Math.ceil(meta.minComponentMl() / cg.voxelMl() - 1e-9));
        ComponentLabels comps = MidlineSplit.split(
            ComponentLabeller.label(mask, cg.nx(), cg.ny(), cg.nz(), Connectivity.EIGHTEEN), cg, mid, minVoxels);
        int[] order = comps.bySizeDescending();
        List<Integer> kept = new ArrayList<>();
        for (int c : order) {
            if (kept.size() < 2 && comps.sizes()[c] * cg.voxelMl() >= meta.minComponentMl()) {
                kept.add(c);
            }
        }
        int k = kept.size();
        int[][] lo = new int[k][];
        int[][] hi = new int[k][];
        double[][] sum = new double[k][3];
        int[] slot = new int[comps.count() + 1];
        java.util.Arrays.fill(slot, -1);
        for (int i = 0; i < k; i++) {
            slot[kept.get(i)] = i;
            lo[i] = new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
            hi[i] = new int[] {-1, -1, -1};
        }
        int[] ids = comps.labels();
        for (int z = 0, idx = 0; z < cg.nz(); z++) {
            for (int y = 0; y < cg.ny(); y++) {
                for (int x = 0; x < cg.nx(); x++, idx++) {
                    int s = ids[idx] == 0 ? -1 : slot[ids[idx]];
                    if (s < 0) {
                        continue;
                    }
                    int[] p = {x, y, z};
                    for (int a = 0; a < 3; a++) {
                        lo[s][a] = Math.min(lo[s][a], p[a]);
                        hi[s][a] = Math.max(hi[s][a], p[a]);
                        sum[s][a] += p[a];
                    }
                }
            }
        }
        double[] cs = cg.spacing();
        double[] fs = fg.spacing();
        double[] worldX = new double[k];
        for (int i = 0; i < k; i++) {
            long size = comps.sizes()[kept.get(i)];
            worldX[i] = cg.toWorld(sum[i][0] / size, sum[i][1] / size, sum[i][2] / size)[0];
        }
        // sides as LabelRoiSource decides them: two kidneys by world x (on a tie the larger one is LEFT, so
        // two kidneys never share a side), a lone one against the volume centre
        boolean largestIsLeft = k == 2 ? worldX[0] <= worldX[1] : k == 1 && worldX[0] < mid;
        List<RoiPlacement> places = new ArrayList<>();
        List<Localization.FoundKidney> found = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int[] flo = new int[3];
            int[] fhi = new int[3];
            for (int a = 0; a < 3; a++) {
                // coarse voxel c covers fine positions (c -/+ 0.5) * ratio (both grids share the first centre)
                double r = cs[a] / fs[a];
                int margin = (int) Math.ceil(meta.marginMm() / fs[a]);
                flo[a] = Math.max(0, (int) Math.floor((lo[i][a] - 0.5) * r) - margin);
                fhi[a] = Math.min(fn[a] - 1, (int) Math.ceil((hi[i][a] + 0.5) * r) + margin);
            }
            KidneySide side = (i == 0) == largestIsLeft ? KidneySide.LEFT : KidneySide.RIGHT;
            places.add(new RoiPlacement(side, LabelRoiSource.boxAround(roi, fs, flo, fhi)));
            found.add(new Localization.FoundKidney(side, comps.sizes()[kept.get(i)] * cg.voxelMl(), lo[i], hi[i]));
        }
        places.sort((a, b) -> a.side().compareTo(b.side()));
        found.sort((a, b) -> a.side().compareTo(b.side()));
        return new Localization(caseId, places, found, comps.count() - k, (System.nanoTime() - t0) / 1e9);
    }
}
