package renalseg.cohort;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import renalseg.io.NiftiHeader;
import renalseg.io.NiftiImage;
import renalseg.io.NiftiReader;
import renalseg.util.InputError;
import renalseg.volume.LabelVolume;

/**
 * Reads cases and NIfTI files through Hadoop's FileSystem, so the same code reads local disks and object
 * stores. Every failure is an {@link InputError} naming the case or file.
 */
public final class CaseReader {

    private final CohortSettings settings;
    private final Configuration hadoop;
    private final NiftiReader reader;

    public CaseReader(CohortSettings settings, Configuration hadoop) {
        this.settings = settings;
        this.hadoop = hadoop;
        this.reader = new NiftiReader(settings.maxVoxels());
    }

    public NiftiReader niftiReader() {
        return reader;
    }

    /** Image and (if any) label map, labels mapped to KiTS classes, checked to share the image's grid. */
    public CaseData read(CaseRef ref) {
        NiftiImage img;
        try {
            img = image(ref.imageUri());
        } catch (InputError e) {
            throw new InputError("case " + ref.caseId() + ": " + e.getMessage(), e);
        }
        LabelVolume labels = null;
        if (ref.labelled()) {
            try {
                labels = labels(ref.labelUri());
            } catch (InputError e) {
                throw new InputError("case " + ref.caseId() + ": " + e.getMessage(), e);
            }
            checkSameGrid(ref, img, labels, settings.affineToleranceMm());
            labels = KitsLabels.toKits19(labels, settings.cystAsKidney(), ref.caseId() + " " + ref.labelUri());
        }
        return new CaseData(ref, img.header(), img.volume(), labels);
    }

    /** The image header alone (ingest). */
    public NiftiHeader header(String uri) {
        try (InputStream in = open(uri)) {
            return reader.header(in, uri, length(uri));
        } catch (IOException e) {
            throw new InputError(uri + ": cannot read: " + e.getMessage(), e);
        }
    }

    public NiftiImage image(String uri) {
        try (InputStream in = open(uri)) {
            return reader.image(in, uri);
        } catch (IOException e) {
            throw new InputError(uri + ": cannot read: " + e.getMessage(), e);
        }
    }

    public LabelVolume labels(String uri) {
        try (InputStream in = open(uri)) {
            return reader.labels(in, uri);
        } catch (IOException e) {
            throw new InputError(uri + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The stored length (for the header's vox_offset check); -1 when the file system cannot say. */
    private long length(String uri) {
        Path p = new Path(uri);
        try {
            return p.getFileSystem(hadoop).getFileStatus(p).getLen();
        } catch (IOException e) {
            return -1;
        }
    }

    public InputStream open(String uri) {
        Path p = new Path(uri);
        try {
            org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(hadoop);
            if (fs.getFileStatus(p).isDirectory()) {
                throw new InputError(uri + ": is a directory, not a NIfTI file");
            }
            return fs.open(p);
        } catch (FileNotFoundException e) {
            throw new InputError(uri + ": file not found");
        } catch (IOException e) {
            throw new InputError(uri + ": cannot open: " + e.getMessage(), e);
        }
    }

    static void checkSameGrid(CaseRef ref, NiftiImage img, LabelVolume labels, double tol) {
        var g = img.volume().geometry();
        var l = labels.geometry();
        if (!g.sameShape(l)) {
            throw new GeometryMismatch("case " + ref.caseId() + ": label map shape " + l.nx() + "x" + l.ny() + "x"
                + l.nz() + " differs from image shape " + g.nx() + "x" + g.ny() + "x" + g.nz());
        }
        if (!g.sameGrid(l, tol)) {
            double worst = 0;
            double[][] a = g.affine();
            double[][] b = l.affine();
            for (int r = 0; r < 4; r++) {
                for (int c = 0; c < 4; c++) {
                    worst = Math.max(worst, Math.abs(a[r][c] - b[r][c]));
                }
            }
            throw new GeometryMismatch("case " + ref.caseId() + ": label map affine differs from the image's by "
                + worst + " (tolerance " + tol + " mm, cohort.affine-tolerance-mm)");
        }
    }
}
