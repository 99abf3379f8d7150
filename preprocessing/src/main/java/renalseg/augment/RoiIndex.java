package renalseg.augment;

import java.util.Arrays;
import renalseg.roi.KidneyRoi;

/**
 * What the manifest needs of an ROI: its id, size, and candidate crop centres (linear ROI indices of tumor
 * and of kidney voxels, evenly subsampled to at most {@code maxCandidates} each).
 */
public record RoiIndex(String roiId, int nx, int ny, int nz, int[] tumor, int[] kidney)
    implements java.io.Serializable {

    public RoiIndex {
        tumor = tumor.clone();
        kidney = kidney.clone();
    }

    public static RoiIndex of(KidneyRoi r, int maxCandidates) {
        byte[] l = r.labels();
        int nt = 0;
        int nk = 0;
        if (l != null) {
            for (byte b : l) {
                nt += b == 2 ? 1 : 0;
                nk += b == 1 ? 1 : 0;
            }
        }
        int[] t = new int[nt];
        int[] k = new int[nk];
        if (l != null) {
            int it = 0;
            int ik = 0;
            for (int i = 0; i < l.length; i++) {
                if (l[i] == 2) {
                    t[it++] = i;
                } else if (l[i] == 1) {
                    k[ik++] = i;
                }
            }
        }
        return new RoiIndex(r.id(), r.width(), r.height(), r.depth(), thin(t, maxCandidates), thin(k, maxCandidates));
    }

    private static int[] thin(int[] v, int max) {
        if (v.length <= max) {
            return v;
        }
        int[] out = new int[max];
        for (int i = 0; i < max; i++) {
            out[i] = v[(int) ((long) i * v.length / max)];
        }
        return out;
    }

    @Override
    public int[] tumor() {
        return tumor.clone();
    }

    @Override
    public int[] kidney() {
        return kidney.clone();
    }

    int tumorAt(int i) {
        return tumor[i];
    }

    int kidneyAt(int i) {
        return kidney[i];
    }

    int tumorCount() {
        return tumor.length;
    }

    int kidneyCount() {
        return kidney.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoiIndex r && roiId.equals(r.roiId) && nx == r.nx && ny == r.ny && nz == r.nz
            && Arrays.equals(tumor, r.tumor) && Arrays.equals(kidney, r.kidney);
    }

    @Override
    public int hashCode() {
        return roiId.hashCode();
    }
}
