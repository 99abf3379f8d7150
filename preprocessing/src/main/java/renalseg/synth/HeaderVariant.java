package renalseg.synth;

import java.util.SplittableRandom;
import renalseg.io.NiftiDatatype;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * How a STANDARD case's files are stored, drawn per case as real cohorts mix them: the array axis order and
 * directions (KiTS19's slice-first IPL, RAS as nibabel's canonical, LPS as DICOM converters write, LPI with
 * the slices running downwards) and the datatypes (int16 HU; uint16 with scl_inter -1024 as
 * scanners store CT, with scl_slope 1 or 0.5; float32; labels uint8 or float32). SMALL cases are always {@link #KITS19}.
 *
 * @param axes     for each stored array axis, the canonical axis it runs along (0 = x, 1 = y, 2 = z)
 * @param flipped  for each stored array axis, whether it runs against the canonical (RAS) direction
 */
public record HeaderVariant(String axcodes, int[] axes, boolean[] flipped, NiftiDatatype image, double slope,
                            double inter, NiftiDatatype labels) {

    public static final HeaderVariant KITS19 = new HeaderVariant("IPL", new int[] {2, 1, 0},
        new boolean[] {true, true, true}, NiftiDatatype.INT16, 1, 0, NiftiDatatype.UINT8);

    private static final HeaderVariant[] ORIENTATIONS = {
        KITS19,
        new HeaderVariant("RAS", new int[] {0, 1, 2}, new boolean[] {false, false, false}, null, 1, 0, null),
        new HeaderVariant("LPS", new int[] {0, 1, 2}, new boolean[] {true, true, false}, null, 1, 0, null),
        new HeaderVariant("LPI", new int[] {0, 1, 2}, new boolean[] {true, true, true}, null, 1, 0, null)};

    static HeaderVariant draw(SplittableRandom r) {
        HeaderVariant o = ORIENTATIONS[r.nextInt(ORIENTATIONS.length)];
        double d = r.nextDouble();
        NiftiDatatype image = d < 0.5 ? NiftiDatatype.INT16 : d < 0.8 ? NiftiDatatype.UINT16 : NiftiDatatype.FLOAT32;
        NiftiDatatype labels = r.nextDouble() < 0.75 ? NiftiDatatype.UINT8 : NiftiDatatype.FLOAT32;
        // half of the uint16 images store 2 x (HU + 1024) with scl_slope 0.5: a reader that ignored the slope
        // would see every tissue at twice its contrast (no extra draw: the cohort of a seed keeps its anatomy)
        double slope = image == NiftiDatatype.UINT16 && d >= 0.65 ? 0.5 : 1;
        return new HeaderVariant(o.axcodes, o.axes, o.flipped, image, slope,
            image == NiftiDatatype.UINT16 ? -1024 : 0, labels);
    }

    /** The stored grid of a canonical (RAS, diagonal affine) grid: every voxel keeps its world position. */
    Geometry stored(Geometry c) {
        double[][] a = c.affine();
        double[] s = c.spacing();
        int[] n = c.shape();
        double[][] k = new double[4][4];
        k[3][3] = 1;
        double[] corner = new double[3];
        int[] shape = new int[3];
        double[] spacing = new double[3];
        for (int ax = 0; ax < 3; ax++) {
            int can = axes[ax];
            shape[ax] = n[can];
            spacing[ax] = s[can];
            k[can][ax] = flipped[ax] ? -a[can][can] : a[can][can];
            corner[can] = flipped[ax] ? n[can] - 1 : 0;
        }
        double[] w = c.toWorld(corner[0], corner[1], corner[2]);
        for (int r = 0; r < 3; r++) {
            k[r][3] = w[r];
        }
        return new Geometry(shape[0], shape[1], shape[2], spacing, k);
    }

    ImageVolume stored(ImageVolume v) {
        float[] src = v.voxels();
        float[] dst = new float[src.length];
        remap(v.geometry(), (from, to) -> dst[to] = src[from]);
        return new ImageVolume(stored(v.geometry()), dst);
    }

    LabelVolume stored(LabelVolume v) {
        byte[] src = v.labels();
        byte[] dst = new byte[src.length];
        remap(v.geometry(), (from, to) -> dst[to] = src[from]);
        return new LabelVolume(stored(v.geometry()), dst);
    }

    private interface Move {
        void apply(int from, int to);
    }

    private void remap(Geometry c, Move move) {
        int[] n = c.shape();
        int[] sn = {n[axes[0]], n[axes[1]], n[axes[2]]};
        int[] can = new int[3];
        for (can[2] = 0; can[2] < n[2]; can[2]++) {
            for (can[1] = 0; can[1] < n[1]; can[1]++) {
                int base = n[0] * (can[1] + n[1] * can[2]);
                for (can[0] = 0; can[0] < n[0]; can[0]++) {
                    int s0 = flipped[0] ? sn[0] - 1 - can[axes[0]] : can[axes[0]];
                    int s1 = flipped[1] ? sn[1] - 1 - can[axes[1]] : can[axes[1]];
                    int s2 = flipped[2] ? sn[2] - 1 - can[axes[2]] : can[axes[2]];
                    move.apply(base + can[0], s0 + sn[0] * (s1 + sn[1] * s2));
                }
            }
        }
    }

    @Override
    public String toString() {
        return axcodes + " " + image.label + (slope != 1 || inter != 0 ? " (scl " + slope + ", " + inter + ")" : "")
            + ", labels " + labels.label;
    }
}
