package renalseg.roi;

import java.util.ArrayList;
import java.util.List;
import renalseg.transforms.HuWindow;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/** Cutting ROIs out of a canonical volume, and pasting ROI results back into it. */
public final class Rois {

    private Rois() {
    }

    /**
     * The ROIs of a case: for each placement, the image (HU through the window, {@code padHu} beyond the
     * volume) and the labels (0 beyond the volume; null when {@code labels} is null).
     */
    public static List<KidneyRoi> extract(String caseId, ImageVolume image, LabelVolume labels,
                                          List<RoiPlacement> placements, HuWindow window, double padHu) {
        List<KidneyRoi> out = new ArrayList<>();
        for (RoiPlacement p : placements) {
            out.add(crop(caseId, p, image, labels, window, padHu));
        }
        return out;
    }

    public static KidneyRoi crop(String caseId, RoiPlacement p, ImageVolume image, LabelVolume labels,
                                 HuWindow window, double padHu) {
        Geometry g = image.geometry();
        if (labels != null && !labels.geometry().sameShape(g)) {
            throw new IllegalArgumentException("image and labels differ in shape");
        }
        RoiBox b = p.box();
        float pad = window.scale(padHu);
        float[] vox = new float[Math.toIntExact(b.voxelCount())];
        byte[] lab = labels == null ? null : new byte[vox.length];
        float[] src = image.voxels();
        byte[] srcL = labels == null ? null : labels.labels();
        int idx = 0;
        for (int z = 0; z < b.nz(); z++) {
            int sz = b.z0() + z;
            for (int y = 0; y < b.ny(); y++) {
                int sy = b.y0() + y;
                boolean rowIn = sz >= 0 && sz < g.nz() && sy >= 0 && sy < g.ny();
                for (int x = 0; x < b.nx(); x++, idx++) {
                    int sx = b.x0() + x;
                    if (rowIn && sx >= 0 && sx < g.nx()) {
                        int s = g.index(sx, sy, sz);
                        vox[idx] = window.scale(src[s]);
                        if (lab != null) {
                            lab[idx] = srcL[s];
                        }
                    } else {
                        vox[idx] = pad;
                    }
                }
            }
        }
        return new KidneyRoi(caseId, p.side(), b, vox, lab);
    }

    /**
     * Pastes an ROI's labels ({@code roiLabels}, x fastest over {@code box}) into a canonical label array
     * {@code target} on grid {@code g}, in place. Parts of the box beyond the volume are dropped. Where the
     * two kidneys' windows overlap each voxel keeps the larger label (tumor over kidney over background),
     * so one ROI's background never erases the other's kidney.
     */
    public static void paste(byte[] target, Geometry g, RoiBox box, byte[] roiLabels) {
        if (roiLabels.length != box.voxelCount() || target.length != g.voxelCount()) {
            throw new IllegalArgumentException("array sizes do not match the box / grid");
        }
        int idx = 0;
        for (int z = 0; z < box.nz(); z++) {
            int sz = box.z0() + z;
            for (int y = 0; y < box.ny(); y++) {
                int sy = box.y0() + y;
                boolean rowIn = sz >= 0 && sz < g.nz() && sy >= 0 && sy < g.ny();
                for (int x = 0; x < box.nx(); x++, idx++) {
                    int sx = box.x0() + x;
                    if (rowIn && sx >= 0 && sx < g.nx()) {
                        int t = g.index(sx, sy, sz);
                        if ((roiLabels[idx] & 0xff) > (target[t] & 0xff)) {
                            target[t] = roiLabels[idx];
                        }
                    }
                }
            }
        }
    }

    /** A canonical label map made of the given ROI results (background elsewhere). */
    public static LabelVolume assemble(Geometry canonical, List<RoiBox> boxes, List<byte[]> roiLabels) {
        byte[] t = new byte[Math.toIntExact(canonical.voxelCount())];
        for (int i = 0; i < boxes.size(); i++) {
            paste(t, canonical, boxes.get(i), roiLabels.get(i));
        }
        return new LabelVolume(canonical, t);
    }
}
