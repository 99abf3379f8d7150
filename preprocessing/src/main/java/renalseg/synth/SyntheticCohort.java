package renalseg.synth;

import java.io.IOException;
import java.io.OutputStream;
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
 * Writes synthetic cohorts in the KiTS19 layout: {@code case_XXXXX/imaging.nii.gz} and
 * {@code segmentation.nii.gz}. SMALL cases are stored as KiTS19 stores them (int16 HU, uint8 labels, arrays
 * slice-first (Z, Y, X) with axis codes I, P, L); STANDARD cases mix orientations and datatypes
 * ({@link HeaderVariant}) as real cohorts do, so every reader downstream must handle them.
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
        return write(dir, cases, seed, size, PhantomGenerator.DEFAULT_MAX_SLICES, progress);
    }

    /** @param maxSlices STANDARD: the most slices per case (30-600) */
    public static List<Phantom> write(Path dir, int cases, long seed, PhantomSize size, int maxSlices,
                                      Progress progress) throws IOException {
        List<Phantom> out = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            Phantom p = PhantomGenerator.generate(seed, i, size, maxSlices);
            HeaderVariant h = variant(seed, i, size);
            Path caseDir = dir.resolve(p.caseId());
            try (OutputStream o = NiftiWriter.open(caseDir.resolve(IMAGE))) {
                NiftiWriter.write(o, h.stored(p.image()), h.image(), h.slope(), h.inter());
            }
            try (OutputStream o = NiftiWriter.open(caseDir.resolve(LABELS))) {
                if (h.labels() == NiftiDatatype.FLOAT32) {
                    NiftiWriter.writeFloat(o, h.stored(p.labels()));
                } else {
                    NiftiWriter.write(o, h.stored(p.labels()));
                }
            }
            out.add(new Phantom(p.caseId(), null, null, p.kidneys(), p.hasTumor(), p.tumorMlDrawn()));
            if (progress != null) {
                progress.step(1);
            }
        }
        return out;
    }

    /** How case {@code index}'s files are stored: KiTS19's way for SMALL, drawn per case for STANDARD. */
    public static HeaderVariant variant(long seed, int index, PhantomSize size) {
        return size == PhantomSize.SMALL ? HeaderVariant.KITS19
            : HeaderVariant.draw(new java.util.SplittableRandom(seed * 31L + index * 104_729L + 5));
    }

    /** The KiTS19 grid of a canonical (RAS, diagonal affine) grid: axes reversed and each one flipped. */
    static Geometry kits19Geometry(Geometry c) {
        return HeaderVariant.KITS19.stored(c);
    }

    static ImageVolume toKits19(ImageVolume v) {
        return HeaderVariant.KITS19.stored(v);
    }

    static LabelVolume toKits19(LabelVolume v) {
        return HeaderVariant.KITS19.stored(v);
    }
}
