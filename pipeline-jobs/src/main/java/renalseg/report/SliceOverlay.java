package renalseg.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Locale;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;
import renalseg.volume.VoxelBounds;

/**
 * Axial, coronal and sagittal slices through a tumor, CT in a display window with the reference and the
 * predicted contours drawn over it (Java2D), one PNG-ready image per case with titles and a legend.
 *
 * <p>Volumes must be in canonical RAS orientation (see {@link Geometry}). Slices are shown in the radiological convention: the patient's right on the left of
 * the screen; anterior at the top of axial slices, superior at the top of coronal and sagittal slices,
 * anterior on the left of sagittal slices. Pixels keep the voxel spacing's aspect ratio.
 */
public final class SliceOverlay {

    /** Reference (truth) contours: amber; prediction: sky blue (a pair colour-blind readers tell apart). */
    public static final Color TRUTH = new Color(255, 196, 0);
    public static final Color PREDICTION = new Color(0, 170, 255);
    static final Color BACKGROUND = new Color(17, 17, 17);
    /** Longest side of a panel, in pixels. */
    static final int PANEL_PX = 300;
    private static final int GAP = 12;
    private static final int TITLE_H = 26;
    private static final int LEGEND_H = 44;
    /** Room for the legend when the panels are narrow (tall thin coronal and sagittal slices). */
    private static final int MIN_WIDTH = 520;
    /** Field of view around the tumor: its extent plus this margin on each side, at least MIN_FOV_MM. */
    private static final double MARGIN_MM = 25;
    private static final double MIN_FOV_MM = 70;

    /** A slicing direction: which canonical axis is fixed, which run along the screen's x and y. */
    enum View {
        AXIAL("Axial", 2, 0, 1, "R", "L", "A", "P"),
        CORONAL("Coronal", 1, 0, 2, "R", "L", "S", "I"),
        SAGITTAL("Sagittal", 0, 1, 2, "A", "P", "S", "I");

        final String title;
        final int fixed;
        final int horizontal;
        final int vertical;
        final String left;
        final String right;
        final String top;
        final String bottom;

        View(String title, int fixed, int horizontal, int vertical, String left, String right, String top,
             String bottom) {
            this.title = title;
            this.fixed = fixed;
            this.horizontal = horizontal;
            this.vertical = vertical;
            this.left = left;
            this.right = right;
            this.top = top;
            this.bottom = bottom;
        }
    }

    /**
     * Where the three slices go: the slice index per axis (through the tumor's largest cross-section) and
     * the crop box [lo, hi] per axis, inclusive.
     */
    record Focus(int[] slice, int[] lo, int[] hi, String structure) {
    }

    private SliceOverlay() {
    }

    /** The three views side by side, a title line and a legend below. */
    public static BufferedImage render(String title, ImageVolume ct, LabelVolume truth, LabelVolume pred,
                                       ReportSettings settings) {
        Geometry g = ct.geometry();
        if (!g.sameShape(truth.geometry()) || !g.sameShape(pred.geometry())) {
            throw new IllegalArgumentException("CT " + g + ", reference " + truth.geometry() + " and prediction "
                + pred.geometry() + " are not on one grid");
        }
        Focus focus = focus(truth, pred);
        BufferedImage[] panels = new BufferedImage[3];
        int width = GAP;
        int height = 0;
        for (View v : View.values()) {
            panels[v.ordinal()] = panel(v, focus, ct, truth, pred, settings);
            width += panels[v.ordinal()].getWidth() + GAP;
            height = Math.max(height, panels[v.ordinal()].getHeight());
        }
        BufferedImage out = new BufferedImage(Math.max(width, MIN_WIDTH), TITLE_H + height + 18 + LEGEND_H,
            BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = out.createGraphics();
        try {
            gr.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            gr.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            gr.setColor(BACKGROUND);
            gr.fillRect(0, 0, out.getWidth(), out.getHeight());
            gr.setColor(Color.WHITE);
            gr.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            gr.drawString(title, GAP, 18);
            int x = GAP;
            gr.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (View v : View.values()) {
                BufferedImage p = panels[v.ordinal()];
                gr.drawImage(p, x, TITLE_H, null);
                gr.setColor(new Color(200, 200, 200));
                int n = g.shape()[v.fixed];
                gr.drawString(String.format(Locale.ROOT, "%s  %d/%d", v.title, focus.slice()[v.fixed] + 1, n), x,
                    TITLE_H + height + 14);
                x += p.getWidth() + GAP;
            }
            drawLegend(gr, GAP, TITLE_H + height + 22, settings, focus.structure());
        } finally {
            gr.dispose();
        }
        return out;
    }

    private static void drawLegend(Graphics2D gr, int x, int y, ReportSettings s, String structure) {
        gr.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = gr.getFontMetrics();
        int base = y + 16;
        int x0 = x;
        x = legendItem(gr, fm, x, base, TRUTH, "reference (truth)");
        legendItem(gr, fm, x, base, PREDICTION, "prediction");
        gr.setColor(new Color(190, 190, 190));
        gr.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        String note = String.format(Locale.ROOT, "tumor: solid (reference: wide band), kidney: dotted  |  CT window W%.0f/L%.0f HU%s",
            s.windowWidth(), s.windowLevel(), structure.equals("tumor") ? "" : "  |  no tumor: centred on " + structure);
        gr.drawString(note, x0, base + 17);
    }

    private static int legendItem(Graphics2D gr, FontMetrics fm, int x, int base, Color c, String label) {
        gr.setColor(c);
        gr.setStroke(new BasicStroke(3f));
        gr.drawLine(x, base - 4, x + 24, base - 4);
        gr.setColor(Color.WHITE);
        gr.drawString(label, x + 30, base);
        return x + 30 + fm.stringWidth(label) + 18;
    }

    /** Slices through the largest cross-section of the true tumor (else the predicted one, else kidney). */
    static Focus focus(LabelVolume truth, LabelVolume pred) {
        Geometry g = truth.geometry();
        int[] n = g.shape();
        String structure = "tumor";
        Mask m = (t, p) -> t == LabelVolume.TUMOR;
        if (count(truth, pred, m) == 0) {
            m = (t, p) -> p == LabelVolume.TUMOR;
        }
        if (count(truth, pred, m) == 0) {
            structure = "kidney";
            m = (t, p) -> t != 0 || p != 0;
        }
        long[][] area = new long[3][];
        for (int a = 0; a < 3; a++) {
            area[a] = new long[n[a]];
        }
        VoxelBounds crop = new VoxelBounds();
        byte[] tl = truth.labels();
        byte[] pl = pred.labels();
        // the crop covers the tumor in both the reference and the prediction, so misses show
        for (int k = 0; k < n[2]; k++) {
            for (int j = 0; j < n[1]; j++) {
                for (int i = 0; i < n[0]; i++) {
                    int idx = g.index(i, j, k);
                    int t = tl[idx];
                    int p = pl[idx];
                    boolean inFocus = m.test(t, p);
                    boolean inCrop = structure.equals("tumor") ? t == LabelVolume.TUMOR || p == LabelVolume.TUMOR : inFocus;
                    if (inFocus) {
                        area[0][i]++;
                        area[1][j]++;
                        area[2][k]++;
                    }
                    if (inCrop) {
                        crop.include(i, j, k);
                    }
                }
            }
        }
        int[] lo = crop.lo();
        int[] hi = crop.hi();
        int[] slice = new int[3];
        double[] sp = g.spacing();
        for (int a = 0; a < 3; a++) {
            if (hi[a] < 0) { // nothing labelled: the whole volume, middle slices
                slice[a] = n[a] / 2;
                lo[a] = 0;
                hi[a] = n[a] - 1;
                structure = "the volume's centre";
                continue;
            }
            int best = lo[a];
            for (int s = 0; s < n[a]; s++) {
                if (area[a][s] > area[a][best]) {
                    best = s;
                }
            }
            slice[a] = best;
            double extent = (hi[a] - lo[a] + 1) * sp[a];
            double fov = Math.max(MIN_FOV_MM, extent + 2 * MARGIN_MM);
            double centre = (lo[a] + hi[a]) / 2.0;
            int half = (int) Math.ceil(fov / sp[a] / 2);
            lo[a] = Math.max(0, (int) Math.floor(centre - half));
            hi[a] = Math.min(n[a] - 1, (int) Math.ceil(centre + half));
        }
        return new Focus(slice, lo, hi, structure);
    }

    private interface Mask {
        boolean test(int truth, int pred);
    }

    private static long count(LabelVolume truth, LabelVolume pred, Mask m) {
        byte[] t = truth.labels();
        byte[] p = pred.labels();
        long c = 0;
        for (int i = 0; i < t.length; i++) {
            if (m.test(t[i], p[i])) {
                c++;
            }
        }
        return c;
    }

    /** One view: the windowed CT resampled to screen pixels (nearest voxel), contours, orientation letters. */
    static BufferedImage panel(View v, Focus f, ImageVolume ct, LabelVolume truth, LabelVolume pred,
                               ReportSettings s) {
        Geometry g = ct.geometry();
        double[] sp = g.spacing();
        int h = v.horizontal;
        int vv = v.vertical;
        int cols = f.hi()[h] - f.lo()[h] + 1;
        int rows = f.hi()[vv] - f.lo()[vv] + 1;
        double wmm = cols * sp[h];
        double hmm = rows * sp[vv];
        double pxPerMm = PANEL_PX / Math.max(wmm, hmm);
        int w = Math.max(1, (int) Math.round(wmm * pxPerMm));
        int ht = Math.max(1, (int) Math.round(hmm * pxPerMm));
        int[] voxel = new int[3];
        voxel[v.fixed] = f.slice()[v.fixed];
        BufferedImage img = new BufferedImage(w, ht, BufferedImage.TYPE_INT_RGB);
        byte[] tk = new byte[w * ht];
        byte[] tt = new byte[w * ht];
        byte[] pk = new byte[w * ht];
        byte[] pt = new byte[w * ht];
        double lowHu = s.windowLevel() - s.windowWidth() / 2;
        float[] hu = ct.voxels();
        for (int y = 0; y < ht; y++) {
            // screen top = the high end of the vertical axis (anterior / superior); pixel centres in voxel units
            double fy = f.hi()[vv] - ((y + 0.5) / ht * rows - 0.5);
            int rowFromTop = Math.min(rows - 1, (int) ((y + 0.5) / ht * rows));
            for (int x = 0; x < w; x++) {
                // screen left = the high end of the horizontal axis (patient's right / anterior)
                double fx = f.hi()[h] - ((x + 0.5) / w * cols - 0.5);
                int colFromLeft = Math.min(cols - 1, (int) ((x + 0.5) / w * cols));
                // CT: bilinear between the four nearest voxels of the slice (smooth at display scale)
                double value = bilinear(hu, g, v, voxel[v.fixed], fx, fy);
                double gray = (value - lowHu) / s.windowWidth();
                int gv = (int) Math.round(255 * Math.max(0, Math.min(1, gray)));
                img.setRGB(x, y, gv << 16 | gv << 8 | gv);
                // labels: nearest voxel (contours follow voxel edges, never interpolated classes)
                voxel[h] = f.hi()[h] - colFromLeft;
                voxel[vv] = f.hi()[vv] - rowFromTop;
                int idx = g.index(voxel[0], voxel[1], voxel[2]);
                int t = truth.labels()[idx];
                int p = pred.labels()[idx];
                int o = y * w + x;
                tk[o] = (byte) (t != 0 ? 1 : 0);
                tt[o] = (byte) (t == LabelVolume.TUMOR ? 1 : 0);
                pk[o] = (byte) (p != 0 ? 1 : 0);
                pt[o] = (byte) (p == LabelVolume.TUMOR ? 1 : 0);
            }
        }
        // Kidney outlines thin and dotted (the two colours' dots alternate, so agreement shows both),
        // under the tumor outlines: the reference as a 3-pixel band, the prediction as its 1-pixel outer
        // edge, so where they agree the blue edge runs along the amber band and both stay visible.
        drawContour(img, tk, w, ht, 1, 0, TRUTH);
        drawContour(img, pk, w, ht, 1, 2, PREDICTION);
        drawContour(img, tt, w, ht, 3, -1, TRUTH);
        drawContour(img, pt, w, ht, 1, -1, PREDICTION);
        decorate(img, v, pxPerMm);
        return img;
    }

    /** CT value at fractional in-slice position (fh, fv) of slice {@code fixed}, clamped to the volume. */
    private static double bilinear(float[] hu, Geometry g, View v, int fixed, double fh, double fv) {
        int[] n = g.shape();
        fh = Math.max(0, Math.min(n[v.horizontal] - 1, fh));
        fv = Math.max(0, Math.min(n[v.vertical] - 1, fv));
        int h0 = (int) Math.floor(fh);
        int v0 = (int) Math.floor(fv);
        int h1 = Math.min(n[v.horizontal] - 1, h0 + 1);
        int v1 = Math.min(n[v.vertical] - 1, v0 + 1);
        double ah = fh - h0;
        double av = fv - v0;
        int[] c = new int[3];
        c[v.fixed] = fixed;
        double sum = 0;
        for (int dv = 0; dv < 2; dv++) {
            for (int dh = 0; dh < 2; dh++) {
                c[v.horizontal] = dh == 0 ? h0 : h1;
                c[v.vertical] = dv == 0 ? v0 : v1;
                double wgt = (dh == 0 ? 1 - ah : ah) * (dv == 0 ? 1 - av : av);
                sum += wgt * hu[g.index(c[0], c[1], c[2])];
            }
        }
        return sum;
    }

    /**
     * Marks the inner boundary of a screen mask: pixels inside whose neighbourhood (Chebyshev radius
     * {@code thickness}) reaches outside. The panel's edge is not a boundary (the structure goes on).
     * {@code dotPhase} >= 0 draws every other pair of pixels along diagonals, starting at that phase.
     */
    static void drawContour(BufferedImage img, byte[] mask, int w, int h, int thickness, int dotPhase, Color c) {
        int rgb = c.getRGB() & 0xffffff;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (mask[y * w + x] == 0 || (dotPhase >= 0 && ((x + y + dotPhase) & 3) >= 2)) {
                    continue;
                }
                boolean edge = false;
                for (int dy = -thickness; dy <= thickness && !edge; dy++) {
                    for (int dx = -thickness; dx <= thickness; dx++) {
                        int xx = x + dx;
                        int yy = y + dy;
                        if (xx >= 0 && yy >= 0 && xx < w && yy < h && mask[yy * w + xx] == 0) {
                            edge = true;
                            break;
                        }
                    }
                }
                if (edge) {
                    img.setRGB(x, y, rgb);
                }
            }
        }
    }

    /** Orientation letters at the panel's sides and a 10 mm scale bar. */
    private static void decorate(BufferedImage img, View v, double pxPerMm) {
        Graphics2D gr = img.createGraphics();
        try {
            gr.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            gr.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
            FontMetrics fm = gr.getFontMetrics();
            int w = img.getWidth();
            int h = img.getHeight();
            int bar = (int) Math.round(10 * pxPerMm);
            int barX = 8;
            for (int pass = 0; pass < 2; pass++) {
                // a dark offset copy first keeps the letters readable over bright bone and contrast
                int o = pass == 0 ? 1 : 0;
                gr.setColor(pass == 0 ? new Color(0, 0, 0, 200) : new Color(255, 255, 255, 230));
                gr.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
                gr.drawString(v.left, 4 + o, h / 2 + 5 + o);
                gr.drawString(v.right, w - 4 - fm.stringWidth(v.right) + o, h / 2 + 5 + o);
                gr.drawString(v.top, (w - fm.stringWidth(v.top)) / 2 + o, 14 + o);
                gr.drawString(v.bottom, (w - fm.stringWidth(v.bottom)) / 2 + o, h - 5 + o);
                gr.fillRect(barX + o, h - 10 + o, bar, 3);
                gr.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                gr.drawString("10 mm", barX + o, h - 14 + o);
            }
        } finally {
            gr.dispose();
        }
    }
}
