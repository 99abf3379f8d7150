package renalseg.localization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import renalseg.augment.SampleTensor;
import renalseg.config.ConfigError;
import renalseg.config.RenalsegConfig;
import renalseg.networks.ModelSpec;
import renalseg.transforms.HuWindow;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/** Localizer configuration, coarse volumes and the training crop stream (no network training here). */
class LocalizerSettingsTest {

    @Test
    void defaultsParseAndBadValuesAreRejectedByName() {
        LocalizerSettings s = LocalizerSettings.from(RenalsegConfig.defaults());
        assertArrayEquals(new double[] {3.5, 3.5, 3.5}, s.spacingMm());
        assertEquals(2, s.train().classWeights().length);
        assertEquals(2, ModelSpec.load(s.preset()).classes());
        ConfigError e = assertThrows(ConfigError.class, () -> LocalizerSettings.from(
            RenalsegConfig.load(null, List.of("localizer.spacing-mm=[2, 2]"))));
        assertTrue(e.getMessage().contains("localizer.spacing-mm"), e.getMessage());
        e = assertThrows(ConfigError.class, () -> LocalizerSettings.from(
            RenalsegConfig.load(null, List.of("localizer.train.class-weights=[0.2, 1, 2]"))));
        assertTrue(e.getMessage().contains("class-weights"), e.getMessage());
        e = assertThrows(ConfigError.class, () -> LocalizerSettings.from(
            RenalsegConfig.load(null, List.of("localizer.threshold=1.5"))));
        assertTrue(e.getMessage().contains("localizer.threshold"), e.getMessage());
    }

    /** 8 x 8 x 4 at 1 x 1 x 2 mm, a kidney (1) and a tumor (2) voxel; HU = x * 100 - 300. */
    static CoarseVolume coarseOfRamp() {
        Geometry g = Geometry.of(8, 8, 4, 1, 1, 2);
        float[] hu = new float[256];
        byte[] lab = new byte[256];
        for (int i = 0; i < 256; i++) {
            hu[i] = (i % 8) * 100 - 300;
        }
        lab[g.index(2, 2, 0)] = 1;
        lab[g.index(4, 2, 2)] = 2;
        return CoarseVolume.of("case_00003", new ImageVolume(g, hu), new LabelVolume(g, lab), new double[] {2, 2, 2},
            new HuWindow(-200, 500));
    }

    @Test
    void coarseVolumeIsResampledWindowedAndBinary() {
        CoarseVolume c = coarseOfRamp();
        assertEquals(4, c.width());
        assertEquals(4, c.height());
        assertEquals(4, c.depth());
        // coarse x i sits on fine x 2i: HU 200 i - 300, windowed (hu + 200) / 700, clipped at 0
        for (int i = 0; i < 4; i++) {
            assertEquals(Math.max(0, (200.0 * i - 100) / 700), c.scaled()[i], 1e-6);
        }
        // nearest neighbour: fine (2, 2, 0) -> coarse (1, 1, 0); fine (4, 2, 2) -> coarse (2, 1, 2) (z spacing unchanged), tumor -> 1
        int ones = 0;
        for (byte b : c.labels()) {
            ones += b;
        }
        assertEquals(2, ones);
        assertEquals(1, c.labels()[1 + 4 * 1]);
        assertEquals(1, c.labels()[2 + 4 * (1 + 4 * 2)]);
    }

    @Test
    void cropStreamIsAPureFunctionOfTheSampleIndexAndCentresOnForeground() {
        CoarseVolume c = coarseOfRamp();
        int[] crop = {2, 2, 2};
        CoarseBatches a = new CoarseBatches(List.of(c), crop, 0.25, 0f, 1.0, 3, org.nd4j.linalg.api.buffer.DataType.FLOAT,
            9, 0);
        CoarseBatches b = new CoarseBatches(List.of(c), crop, 0.25, 0f, 1.0, 3, org.nd4j.linalg.api.buffer.DataType.FLOAT,
            9, 5);
        for (long n = 5; n < 12; n++) {
            SampleTensor x = a.sample(n);
            SampleTensor y = b.sample(n);
            assertArrayEquals(x.features(), y.features());
            assertArrayEquals(x.labels(), y.labels());
        }
        // p-foreground = 1 and a 2-voxel crop with jitter 0: every crop holds a foreground voxel
        for (long n = 0; n < 50; n++) {
            SampleTensor s = a.sample(n);
            int fg = 0;
            for (byte v : s.labels()) {
                fg += v;
            }
            assertTrue(fg >= 1, "sample " + n + " has no foreground");
            for (float f : s.features()) {
                assertTrue(f >= -0.25f - 1e-6 && f <= 0.75f + 1e-6, "features are scaled minus the mean");
            }
        }
        var ds = b.next();
        assertArrayEquals(new long[] {3, 1, 2, 2, 2}, ds.getFeatures().shape());
        assertArrayEquals(new long[] {3, 2, 2, 2, 2}, ds.getLabels().shape());
        assertEquals(8, b.position());
    }
}
