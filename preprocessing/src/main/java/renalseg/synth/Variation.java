package renalseg.synth;

import java.util.SplittableRandom;

/**
 * What a STANDARD phantom draws beyond the anatomy: the acquisition (field of view on a 512 x 512 matrix,
 * slice thickness and count, contrast phase, noise) and the patient (build, fat, where the scan starts).
 * Ranges follow clinical abdominal CT: 300-450 mm fields of view (0.59-0.88 mm pixels), 0.5-5 mm slices,
 * 30-600 slices over 150-300 mm; arterial, portal-venous and nephrographic phases.
 *
 * @param fovXy       in-plane field of view, mm
 * @param sliceMm     slice spacing, mm
 * @param slices      slice count
 * @param frameXy     width of the anatomical frame organ positions scale with, mm (224 = the reference build)
 * @param extraFat    subcutaneous fat beyond the reference build, mm
 * @param zOffset     where the kidneys sit relative to the scan's centre along z, mm
 * @param phase       contrast phase
 * @param noiseHu     image noise standard deviation, HU
 */
record Variation(double fovXy, double sliceMm, int slices, double frameXy, double extraFat, double zOffset,
                 Phase phase, double noiseHu) {

    /** Clinical slice thicknesses, thin to thick. */
    static final double[] SLICE_MM = {0.5, 0.625, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0};
    static final int MATRIX = 512;
    static final int MIN_SLICES = 30;
    static final int MAX_SLICES = 600;

    /** Enhancement per phase (HU ranges drawn per case; cortex and medulla converge after the arterial phase). */
    enum Phase {
        ARTERIAL(170, 220, 80, 110, 280, 340, 65, 85, 70, 85, 50, 120),
        PORTAL_VENOUS(150, 200, 120, 170, 150, 200, 140, 180, 100, 130, 60, 130),
        NEPHROGRAPHIC(160, 210, 150, 200, 120, 170, 120, 160, 95, 120, 60, 120);

        final float[] cortex;
        final float[] medulla;
        final float[] aorta;
        final float[] cava;
        final float[] liver;
        final float[] tumor;

        Phase(float c0, float c1, float m0, float m1, float a0, float a1, float v0, float v1, float l0, float l1,
              float t0, float t1) {
            cortex = new float[] {c0, c1};
            medulla = new float[] {m0, m1};
            aorta = new float[] {a0, a1};
            cava = new float[] {v0, v1};
            liver = new float[] {l0, l1};
            tumor = new float[] {t0, t1};
        }

        static float draw(float[] range, SplittableRandom r) {
            return range[0] + (range[1] - range[0]) * (float) r.nextDouble();
        }
    }

    /**
     * @param maxSlices the most slices a case may have (30-600): thin slices over a long coverage are drawn
     *                  only when they fit, so the default keeps cases moderate in size
     */
    static Variation draw(SplittableRandom r, int maxSlices) {
        return draw(r, MIN_SLICES, maxSlices);
    }

    /** As {@link #draw(SplittableRandom, int)}, with slice thicknesses that give at least {@code minSlices}. */
    static Variation draw(SplittableRandom r, int minSlices, int maxSlices) {
        if (maxSlices < MIN_SLICES || maxSlices > MAX_SLICES || minSlices < MIN_SLICES || minSlices > maxSlices) {
            throw new IllegalArgumentException("max slices must be in [" + MIN_SLICES + ", " + MAX_SLICES + "]");
        }
        double fov = 300 + 150 * r.nextDouble();
        // coverage: 150-300 mm, the kidneys with some margin up to the whole abdomen
        double coverage = 150 + 150 * r.nextDouble() * r.nextDouble();
        int first = 0;
        while (first < SLICE_MM.length - 1 && Math.round(coverage / SLICE_MM[first]) > maxSlices) {
            first++;
        }
        int last = SLICE_MM.length - 1;
        while (last > first && Math.round(coverage / SLICE_MM[last]) < minSlices) {
            last--;
        }
        double slice = SLICE_MM[first + r.nextInt(last - first + 1)];
        int slices = (int) Math.max(minSlices, Math.min(maxSlices, Math.round(coverage / slice)));
        double frame = 224 * (0.9 + 0.25 * r.nextDouble());
        double fat = 60 * r.nextDouble() * r.nextDouble();
        // the body must fit the field of view: leave at least 4% of air each side
        fat = Math.max(0, Math.min(fat, 0.46 * fov - 0.49 * frame));
        double span = slices * slice;
        // kidneys (up to ~75 mm either side of their centre) inside the scan where there is room to spare
        double room = Math.max(0, span / 2 - 80);
        double zOffset = room * (2 * r.nextDouble() - 1);
        Phase phase = Phase.values()[r.nextInt(Phase.values().length)];
        double noise = 8 + 22 * r.nextDouble() * r.nextDouble();
        return new Variation(fov, slice, slices, frame, fat, zOffset, phase, noise);
    }
}
