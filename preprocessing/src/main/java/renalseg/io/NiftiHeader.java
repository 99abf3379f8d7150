package renalseg.io;

import java.nio.ByteOrder;
import java.util.Arrays;
import renalseg.volume.Geometry;
import renalseg.volume.Orientation;

/**
 * A NIfTI-1 or NIfTI-2 header as read, with the values nibabel derives from it: the best affine (sform
 * when sform_code != 0, else qform when qform_code != 0, else the pixdim-based base affine) and the
 * scaling (none when scl_slope is 0 or not finite).
 *
 * @param source     the file name or URI (for messages)
 * @param version    1 or 2
 * @param bigEndian  the file's byte order is big endian
 * @param dim        dim[0..7] as stored (dim[0] = number of dimensions)
 * @param datatype   the datatype
 * @param pixdim     pixdim[0..7] after nibabel's load-time fixes (qfac forced to +-1, abs of spacings)
 * @param voxOffset  the byte offset of the voxel data
 * @param sclSlope   scl_slope as stored
 * @param sclInter   scl_inter as stored
 * @param qformCode  qform_code
 * @param sformCode  sform_code
 * @param affine     the best affine, 4x4, as nibabel's {@code get_best_affine}
 */
public record NiftiHeader(String source, int version, boolean bigEndian, long[] dim, NiftiDatatype datatype,
                          double[] pixdim, long voxOffset, double sclSlope, double sclInter, int qformCode,
                          int sformCode, double[][] affine) implements java.io.Serializable {

    public NiftiHeader {
        dim = dim.clone();
        pixdim = pixdim.clone();
        double[][] a = new double[4][];
        for (int r = 0; r < 4; r++) {
            a[r] = affine[r].clone();
        }
        affine = a;
    }

    public ByteOrder byteOrder() {
        return bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /** Shape of the first three axes, as stored (missing axes are 1). */
    public int[] shape() {
        int[] s = new int[3];
        for (int a = 0; a < 3; a++) {
            s[a] = a < dim[0] ? (int) dim[a + 1] : 1;
        }
        return s;
    }

    /** Shape of all dim[0] axes, as stored. */
    public long[] fullShape() {
        return Arrays.copyOfRange(dim, 1, 1 + (int) dim[0]);
    }

    /** pixdim of the stored axes (as nibabel's {@code get_zooms}). */
    public double[] zooms() {
        return Arrays.copyOfRange(pixdim, 1, 1 + (int) dim[0]);
    }

    /** Voxel spacing of the three spatial axes (1 for a missing axis). */
    public double[] spacing() {
        double[] s = new double[3];
        for (int a = 0; a < 3; a++) {
            s[a] = a < dim[0] ? pixdim[a + 1] : 1;
        }
        return s;
    }

    public long voxelCount() {
        long n = 1;
        for (int a = 1; a <= dim[0]; a++) {
            n *= dim[a];
        }
        return n;
    }

    /** True when values are scaled (slope finite and non-zero), as nibabel decides. */
    public boolean scaled() {
        return sclSlope != 0 && Double.isFinite(sclSlope);
    }

    /** The slope applied (1 when unscaled). */
    public double slope() {
        return scaled() ? sclSlope : 1;
    }

    /** The intercept applied (0 when unscaled). */
    public double inter() {
        return scaled() ? sclInter : 0;
    }

    public Geometry geometry() {
        int[] s = shape();
        return new Geometry(s[0], s[1], s[2], spacing(), affine);
    }

    /** Orientation codes of the affine, e.g. "LPS", as nibabel's {@code aff2axcodes}. */
    public String axcodes() {
        return Orientation.axcodes(affine);
    }

    public double[][] affine() {
        double[][] a = new double[4][];
        for (int r = 0; r < 4; r++) {
            a[r] = affine[r].clone();
        }
        return a;
    }

    public long[] dim() {
        return dim.clone();
    }

    public double[] pixdim() {
        return pixdim.clone();
    }
}
