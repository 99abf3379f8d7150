package renalseg.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import renalseg.config.ConfigError;
import renalseg.roi.KidneyRoi;

/** The scale and intensity jitters of {@link SampleMaterializer}, against hand-worked values. */
class JitterTest {

    private static final ScaleJitter NO_ZOOM = ScaleJitter.NONE;

    @Test
    void zoomedCropSamplesTheHandComputedCoordinates() {
        // the ROI's voxel (x, y, z) holds x + 10y + 100z: linear, so trilinear sampling inside it is exact
        KidneyRoi roi = AugmentTest.small();
        SampleMaterializer m = new SampleMaterializer(1, 2, 3, 0, -7f, IntensityJitter.NONE, new ScaleJitter(1, 2, 2));
        // D = 1 at z0 = 1: z = 1. H = 2 at y0 = 1, zoom 2: mid 0.5, y = 1.5 + (h - 0.5) * 2 = 0.5, 2.5.
        // W = 3 at x0 = 1: mid 1, x = 2 + (w - 1) * 2 = 0, 2, 4.
        SampleTensor t = m.materialize(new SampleRecord(roi.id(), 1, 1, 1, false, false, false, 3), roi);
        float[] expect = {
            100 + 5 + 0, 100 + 5 + 2, 100 + 5 + 4,
            100 + 25 + 0, 100 + 25 + 2, 100 + 25 + 4};
        assertArrayEquals(expect, t.features(), 1e-4f);
        // labels from the nearest voxel: y 0.5 -> 1 (round half up), 2.5 -> 3; label 2 only at (x 3, y 1)
        // and kidney where x >= 2
        assertArrayEquals(new byte[] {0, 1, 1, 0, 1, 1}, t.labels());
    }

    @Test
    void zoomedCropPadsBeyondTheRoiAndFlips() {
        KidneyRoi roi = AugmentTest.small();
        float pad = -7f;
        SampleMaterializer m = new SampleMaterializer(1, 1, 3, 0.5, pad, IntensityJitter.NONE,
            new ScaleJitter(1, 3, 3));
        // W = 3 at x0 = 2, zoom 3: x = 3 + (w - 1) * 3 = 0, 3, 6 (6 is past the 5-wide ROI); flipped: 6, 3, 0
        SampleTensor t = m.materialize(new SampleRecord(roi.id(), 0, 0, 2, false, false, true, 3), roi);
        assertArrayEquals(new float[] {pad - 0.5f, 3 - 0.5f, 0 - 0.5f}, t.features(), 1e-5f);
        assertArrayEquals(new byte[] {0, 1, 0}, t.labels());
        // halfway between the last voxel (x 4) and the pad: the mean of the two
        SampleMaterializer half = new SampleMaterializer(1, 1, 2, 0, pad, IntensityJitter.NONE,
            new ScaleJitter(1, 1.5, 1.5));
        // W = 2 at x0 = 3, zoom 1.5: mid 0.5, x = 3.5 + (w - 0.5) * 1.5 = 2.75, 4.25
        SampleTensor h = half.materialize(new SampleRecord(roi.id(), 0, 0, 3, false, false, false, 3), roi);
        assertArrayEquals(new float[] {2.75f, 0.75f * 4 + 0.25f * pad}, h.features(), 1e-5f);
    }

    @Test
    void brightnessShiftsEveryVoxelAlikeContrastKeepsTheMean() {
        KidneyRoi roi = AugmentTest.small();
        SampleRecord r = new SampleRecord(roi.id(), 0, 0, 0, false, false, false, 11);
        float[] plain = new SampleMaterializer(3, 4, 5, 0.5, 0).materialize(r, roi).features();
        float[] bright = new SampleMaterializer(3, 4, 5, 0.5, 0, new IntensityJitter(1, 1, 1, 0.2, 0), NO_ZOOM)
            .materialize(r, roi).features();
        double shift = bright[0] - plain[0];
        assertTrue(shift != 0 && Math.abs(shift) <= 0.2 + 1e-6, "shift " + shift);
        for (int i = 0; i < plain.length; i++) {
            assertEquals(plain[i] + shift, bright[i], 1e-4, "voxel " + i);
        }
        float[] contrast = new SampleMaterializer(3, 4, 5, 0.5, 0, new IntensityJitter(1, 0.5, 0.8, 0, 0), NO_ZOOM)
            .materialize(r, roi).features();
        double m = mean(plain);
        assertEquals(m, mean(contrast), 1e-3);
        double factor = (contrast[59] - m) / (plain[59] - m);
        assertTrue(factor >= 0.5 && factor <= 0.8, "factor " + factor);
        for (int i = 0; i < plain.length; i++) {
            assertEquals(m + (plain[i] - m) * factor, contrast[i], 1e-3, "voxel " + i);
        }
    }

    @Test
    void noiseHasTheDrawnSpreadAndEverythingFollowsTheSeed() {
        KidneyRoi roi = AugmentTest.small();
        SampleRecord r = new SampleRecord(roi.id(), 0, 0, 0, false, false, false, 5);
        // an 8 x 16 x 16 crop of a 3 x 4 x 5 ROI is mostly padding: the noise shows alone there
        SampleMaterializer noisy = new SampleMaterializer(8, 16, 16, 0, 0, new IntensityJitter(1, 1, 1, 0, 0.5),
            NO_ZOOM);
        float[] a = noisy.materialize(r, roi).features();
        double sumSq = 0;
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            int z = i / 256;
            int y = i / 16 % 16;
            int x = i % 16;
            if (z >= 3 || y >= 4 || x >= 5) {
                sumSq += a[i] * a[i];
                n++;
            }
        }
        double sd = Math.sqrt(sumSq / n);
        assertTrue(sd > 0.01 && sd < 0.55, "sd " + sd);
        assertArrayEquals(a, noisy.materialize(r, roi).features());
        SampleRecord other = new SampleRecord(roi.id(), 0, 0, 0, false, false, false, 6);
        assertNotEquals(a[300], noisy.materialize(other, roi).features()[300]);
    }

    @Test
    void settingsComeFromConfigAndAreCheckedThere() {
        AugmentSettings off = AugmentTest.settings(List.of());
        assertEquals(0, off.intensity().probability());
        assertEquals(0, off.scale().probability());
        AugmentSettings on = AugmentTest.settings(List.of("augment.intensity.probability=0.3",
            "augment.scale.range=[0.9,1.1]", "augment.scale.probability=0.2"));
        assertEquals(0.3, on.intensity().probability());
        assertEquals(new ScaleJitter(0.2, 0.9, 1.1), on.scale());
        assertThrows(ConfigError.class, () -> AugmentTest.settings(List.of("augment.scale.range=[1.2,0.9]")));
        assertThrows(ConfigError.class, () -> AugmentTest.settings(List.of("augment.intensity.probability=2")));
    }

    private static double mean(float[] f) {
        double s = 0;
        for (float v : f) {
            s += v;
        }
        return s / f.length;
    }
}
