package renalseg.volume;

import java.util.Arrays;

/**
 * Where a voxel grid sits: its shape in array order as stored (axis 0 varies fastest in memory, as in
 * NIfTI), the voxel spacing in mm per array axis, and the voxel-to-world affine (RAS+ mm, as nibabel
 * reports it). Linear index of (i, j, k) is {@code i + nx * (j + ny * k)}.
 *
 * <p>In canonical (RAS) orientation axis 0 is x (left to right), 1 is y (posterior to anterior), 2 is z
 * (inferior to superior), so the same memory is a C-order [D=nz][H=ny][W=nx] tensor: slices first, which
 * is the NCDHW layout the network takes.
 */
public record Geometry(int nx, int ny, int nz, double[] spacing, double[][] affine) implements java.io.Serializable {

    public Geometry {
        if (nx <= 0 || ny <= 0 || nz <= 0) {
            throw new IllegalArgumentException("shape must be positive: " + nx + "x" + ny + "x" + nz);
        }
        if (spacing == null || spacing.length != 3) {
            throw new IllegalArgumentException("spacing needs 3 values");
        }
        if (affine == null || affine.length != 4) {
            throw new IllegalArgumentException("affine must be 4x4");
        }
        spacing = spacing.clone();
        double[][] a = new double[4][];
        for (int r = 0; r < 4; r++) {
            if (affine[r].length != 4) {
                throw new IllegalArgumentException("affine must be 4x4");
            }
            a[r] = affine[r].clone();
        }
        affine = a;
    }

    /** A grid with a diagonal affine (the given spacing, origin at 0): RAS, as nibabel's default. */
    public static Geometry of(int nx, int ny, int nz, double sx, double sy, double sz) {
        return new Geometry(nx, ny, nz, new double[] {sx, sy, sz}, new double[][] {
            {sx, 0, 0, 0}, {0, sy, 0, 0}, {0, 0, sz, 0}, {0, 0, 0, 1}});
    }

    public long voxelCount() {
        return (long) nx * ny * nz;
    }

    public int[] shape() {
        return new int[] {nx, ny, nz};
    }

    /** Linear index of voxel (i, j, k). */
    public int index(int i, int j, int k) {
        return i + nx * (j + ny * k);
    }

    /** Millilitres per voxel. */
    public double voxelMl() {
        return spacing[0] * spacing[1] * spacing[2] / 1000.0;
    }

    public double[] spacing() {
        return spacing.clone();
    }

    public double[][] affine() {
        double[][] a = new double[4][];
        for (int r = 0; r < 4; r++) {
            a[r] = affine[r].clone();
        }
        return a;
    }

    /** World coordinates (mm) of the centre of voxel (i, j, k). */
    public double[] toWorld(double i, double j, double k) {
        double[] w = new double[3];
        for (int r = 0; r < 3; r++) {
            w[r] = affine[r][0] * i + affine[r][1] * j + affine[r][2] * k + affine[r][3];
        }
        return w;
    }

    public boolean sameShape(Geometry o) {
        return nx == o.nx && ny == o.ny && nz == o.nz;
    }

    /** Same shape and an affine equal within {@code tolMm} per element (as nibabel-based tools compare). */
    public boolean sameGrid(Geometry o, double tolMm) {
        if (!sameShape(o)) {
            return false;
        }
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                if (Math.abs(affine[r][c] - o.affine[r][c]) > tolMm) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Geometry g && sameShape(g) && Arrays.equals(spacing, g.spacing)
            && Arrays.deepEquals(affine, g.affine);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape()) * 31 + Arrays.hashCode(spacing);
    }

    @Override
    public String toString() {
        return "Geometry[" + nx + "x" + ny + "x" + nz + ", spacing=" + Arrays.toString(spacing) + "]";
    }
}
