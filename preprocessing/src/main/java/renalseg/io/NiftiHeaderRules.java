package renalseg.io;

import java.util.Arrays;
import java.util.Locale;
import renalseg.util.InputError;

/**
 * The one set of rules a NIfTI header must pass before any later code uses it (inspect, evaluate,
 * postprocess, segment and every pipeline stage read through {@link NiftiReader}, which applies them when
 * the header is read). Each failure is an {@link InputError} naming the file, the field, its value and
 * the rule. Sizes are checked in 64-bit before anything is allocated.
 *
 * <p>Where nibabel repairs a header on load (qfac not +-1, negative pixdim, scl_slope 0 or not finite
 * meaning "unscaled"), the repaired values are checked; what nibabel would load but no later stage can
 * use (zero or NaN spacing, a NaN or singular affine) is refused here rather than failing later with an
 * index or overflow error that names neither file nor cause.
 */
public final class NiftiHeaderRules {

    /** Codes of nifti1.h (0..4) plus NIFTI_XFORM_TEMPLATE_OTHER (5) of the 2019 NIfTI-2 update. */
    static final int MAX_XFORM_CODE = 5;

    private NiftiHeaderRules() {
    }

    /** Checks {@code h}; voxel count against {@code maxVoxels}; {@code fileBytes} when known (else -1, or gzip). */
    public static void check(NiftiHeader h, long maxVoxels, long fileBytes) {
        String f = h.source();
        long[] dim = h.dim();
        checkVoxelCount(f, dim, maxVoxels);
        double[] pix = h.pixdim();
        int spatial = (int) Math.min(3, dim[0]);
        for (int a = 1; a <= spatial; a++) {
            if (!Double.isFinite(pix[a]) || pix[a] <= 0) {
                throw bad(f, "pixdim[" + a + "]", pix[a], "voxel spacing must be finite and > 0");
            }
        }
        checkCode(f, "qform_code", h.qformCode());
        checkCode(f, "sform_code", h.sformCode());
        if (h.scaled() && !Double.isFinite(h.sclInter())) {
            throw bad(f, "scl_inter", h.sclInter(), "must be finite when scl_slope (" + h.sclSlope() + ") is used");
        }
        String which = h.sformCode() != 0 ? "sform (srow_x/y/z)" : h.qformCode() != 0 ? "qform (quatern/qoffset)"
            : "pixdim affine";
        double[][] a = h.affine();
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                if (!Double.isFinite(a[r][c])) {
                    throw new InputError(f + ": bad header: " + which + " has " + a[r][c] + " at row " + r
                        + ", column " + c + " (the affine must be finite)");
                }
            }
        }
        double det = det3(a);
        double scale = norm(a, 0) * norm(a, 1) * norm(a, 2);
        // relative test: a 0.001 mm grid is fine, a rank-deficient one is not
        if (!(Math.abs(det) > 1e-9 * scale) || scale == 0) {
            throw new InputError(f + ": bad header: " + which + " is singular (determinant "
                + String.format(Locale.ROOT, "%.3g", det) + "; the affine must be invertible)");
        }
        if (fileBytes >= 0) {
            long need = h.voxOffset() + h.voxelCount() * h.datatype().bytes();
            if (h.voxOffset() > fileBytes) {
                throw bad(f, "vox_offset", h.voxOffset(), "must lie within the file (" + fileBytes + " bytes)");
            }
            if (need > fileBytes) {
                throw new InputError(f + ": truncated file: vox_offset " + h.voxOffset() + " + " + h.voxelCount()
                    + " voxels x " + h.datatype().bytes() + " bytes needs " + need + " bytes, the file has " + fileBytes);
            }
        }
    }

    /** The stored vox_offset field before it is used (NIfTI-1 keeps it as a float). */
    static void checkVoxOffset(String f, double raw) {
        if (!Double.isFinite(raw) || raw < 0 || raw > Long.MAX_VALUE / 2) {
            throw bad(f, "vox_offset", raw, "must be a finite, non-negative byte offset");
        }
    }

    /** Product of dim[1..dim[0]] in 64-bit, refused above {@code maxVoxels}: "image too large". */
    static long checkVoxelCount(String f, long[] dim, long maxVoxels) {
        long n = 1;
        boolean overflow = false;
        for (int a = 1; a <= dim[0]; a++) {
            try {
                n = Math.multiplyExact(n, dim[a]);
            } catch (ArithmeticException e) {
                overflow = true;
                break;
            }
        }
        if (overflow || n > maxVoxels) {
            throw new InputError(f + ": image too large: dim " + Arrays.toString(Arrays.copyOfRange(dim, 1,
                1 + (int) dim[0])) + " is " + (overflow ? "more than 2^63" : Long.toString(n)) + " voxels, above the limit of "
                + maxVoxels + " (" + (maxVoxels * 4 >> 20) + " MiB as float32); raise cohort.max-voxels if this is intended");
        }
        return n;
    }

    private static void checkCode(String f, String field, int code) {
        if (code < 0 || code > MAX_XFORM_CODE) {
            throw bad(f, field, code, "must be 0..." + MAX_XFORM_CODE);
        }
    }

    static InputError bad(String f, String field, double value, String rule) {
        String v = value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
        return new InputError(f + ": bad header: " + field + " = " + v + " (" + rule + ")");
    }

    private static double det3(double[][] m) {
        return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    }

    private static double norm(double[][] m, int col) {
        return Math.sqrt(m[0][col] * m[0][col] + m[1][col] * m[1][col] + m[2][col] * m[2][col]);
    }
}
