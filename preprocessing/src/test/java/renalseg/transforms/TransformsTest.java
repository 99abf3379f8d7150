package renalseg.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import renalseg.config.ConfigError;
import renalseg.config.RenalsegConfig;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

class TransformsTest {

    @Test
    void windowClipsAndScalesThePaperRange() {
        PreprocessSettings s = PreprocessSettings.from(RenalsegConfig.defaults());
        HuWindow w = s.window();
        assertEquals(-200, w.min());
        assertEquals(500, w.max());
        assertEquals(0f, w.scale(-1024));
        assertEquals(0f, w.scale(-200));
        assertEquals(0.5f, w.scale(150));
        assertEquals(1f, w.scale(500));
        assertEquals(1f, w.scale(3071));
        assertEquals(0f, w.scale(Double.NaN));
        assertEquals(100f / 700, w.scale(-100), 1e-7);
        Normalization n = new Normalization(w, 0.25);
        assertEquals(0.25f, n.ofHu(150), 1e-7);
        assertEquals(-0.25f, n.ofHu(-500), 1e-7);
        assertThrows(ConfigError.class, () -> PreprocessSettings.from(RenalsegConfig.load(null,
            List.of("preprocess.hu-min=600"))));
    }

    @Test
    void meanOverRoisMergesLikeOnePass() {
        float[] a = {0, 0.5f, 1};
        float[] b = {0.25f};
        MeanAccumulator m = MeanAccumulator.EMPTY.add(a).merge(MeanAccumulator.EMPTY.add(b));
        assertEquals((0 + 0.5 + 1 + 0.25) / 4, m.mean(), 1e-12);
        assertEquals(4, m.count());
    }

    @Test
    void trilinearUpsamplingOfARampIsExactAndNearestLabelsGoBack() {
        Geometry g = new Geometry(4, 3, 2, new double[] {1, 1, 2},
            new double[][] {{1, 0, 0, 5}, {0, 1, 0, 6}, {0, 0, 2, 7}, {0, 0, 0, 1}});
        float[] v = new float[24];
        byte[] l = new byte[24];
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < 4; i++) {
                    v[g.index(i, j, k)] = 10 * i + 100 * j + 1000 * k; // linear: trilinear reproduces it
                    l[g.index(i, j, k)] = (byte) ((i + j + k) % 3);
                }
            }
        }
        double[] half = {0.5, 0.5, 1};
        ImageVolume r = Resample.image(new ImageVolume(g, v), half);
        Geometry t = r.geometry();
        assertArrayEquals(new int[] {8, 6, 4}, t.shape());
        assertArrayEquals(g.toWorld(0, 0, 0), t.toWorld(0, 0, 0), 1e-12);
        assertArrayEquals(g.toWorld(1, 1, 1), t.toWorld(2, 2, 2), 1e-12);
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < 6; j++) {
                for (int i = 0; i < 8; i++) {
                    double x = Math.min(i * 0.5, 3);
                    double y = Math.min(j * 0.5, 2);
                    double z = Math.min(k * 0.5, 1);
                    assertEquals(10 * x + 100 * y + 1000 * z, r.get(i, j, k), 1e-3);
                }
            }
        }
        LabelVolume up = Resample.labels(new LabelVolume(g, l), half);
        assertEquals(l[g.index(1, 2, 1)], up.labels()[t.index(2, 4, 2)]);
        LabelVolume back = Resample.labelsOnto(up, g);
        assertArrayEquals(l, back.labels());
    }
}
