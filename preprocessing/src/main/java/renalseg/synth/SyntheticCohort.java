package renalseg.synth;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import renalseg.io.NiftiDatatype;
import renalseg.io.NiftiWriter;
import renalseg.util.Progress;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * Writes synthetic cohorts in the KiTS19 layout: {@code case_XXXXX/imaging.nii.gz} (int16 HU) and
 * {@code segmentation.nii.gz} (uint8 labels), stored as KiTS19 stores them: arrays slice-first (Z, Y, X)
 * with an affine whose axis codes are I, P, L — so every reader downstream must handle orientation.
 */
public final class SyntheticCohort {

    public static final String IMAGE = "imaging.nii.gz";
    public static final String LABELS = "segmentation.nii.gz";

    private SyntheticCohort() {
    }

    /** Writes cases 0..cases-1 under {@code dir}; returns what was drawn for each (for tests and logs). */
    public static List<Phantom> write(Path dir, int cases, long seed, PhantomSize size) throws IOException {
        return write(dir, cases, seed, size, null);
    }

    public static List<Phantom> write(Path dir, int cases, long seed, PhantomSize size, Progress progress)
        throws IOException {
        List<Phantom> out = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            Phantom p = PhantomGenerator.generate(seed, i, size);
            Path caseDir = dir.resolve(p.caseId());
            NiftiWriter.write(caseDir.resolve(IMAGE), toKits19(p.image()), NiftiDatatype.INT16);
            NiftiWriter.write(caseDir.resolve(LABELS), toKits19(p.labels()));
            out.add(new Phantom(p.caseId(), null, null, p.kidneys(), p.hasTumor(), p.tumorMlDrawn()));
            if (progress != null) {
                progress.step(1);
            }
        }
        return out;
    }

    /** The KiTS19 grid of a canonical (RAS, diagonal affine) grid: axes reversed and each one flipped. */
    static Geometry kits19Geometry(Geometry c) {
        double[][] a = c.affine();
        double[] s = c.spacing();
        double[][] k = {
            {0, 0, -s[0], s[0] * (c.nx() - 1) + a[0][3]},
            {0, -s[1], 0, s[1] * (c.ny() - 1) + a[1][3]},
            {-s[2], 0, 0, s[2] * (c.nz() - 1) + a[2][3]},
            {0, 0, 0, 1}};
        return new Geometry(c.nz(), c.ny(), c.nx(), new double[] {s[2], s[1], s[0]}, k);
    }

    static ImageVolume toKits19(ImageVolume v) {
        Geometry c = v.geometry();
        float[] src = v.voxels();
        float[] dst = new float[src.length];
        remap(c, (from, to) -> dst[to] = src[from]);
        return new ImageVolume(kits19Geometry(c), dst);
    }

    static LabelVolume toKits19(LabelVolume v) {
        Geometry c = v.geometry();
        byte[] src = v.labels();
        byte[] dst = new byte[src.length];
        remap(c, (from, to) -> dst[to] = src[from]);
        return new LabelVolume(kits19Geometry(c), dst);
    }

    private interface Move {
        void apply(int from, int to);
    }

    /** Canonical (i, j, k) goes to stored (a, b, c) = (nz-1-k, ny-1-j, nx-1-i), axis a fastest. */
    private static void remap(Geometry c, Move move) {
        int nx = c.nx();
        int ny = c.ny();
        int nz = c.nz();
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                int base = nx * (j + ny * k);
                for (int i = 0; i < nx; i++) {
                    int to = (nz - 1 - k) + nz * ((ny - 1 - j) + ny * (nx - 1 - i));
                    move.apply(base + i, to);
                }
            }
        }
    }
}
