package renalseg.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import renalseg.config.ConfigError;
import renalseg.config.RenalsegConfig;
import renalseg.io.NiftiDatatype;
import renalseg.io.NiftiWriter;
import renalseg.roi.CasePreprocessor;
import renalseg.roi.KidneyRoi;
import renalseg.roi.LabelRoiSource;
import renalseg.roi.PreparedCase;
import renalseg.roi.RoiSettings;
import renalseg.synth.Phantom;
import renalseg.synth.PhantomGenerator;
import renalseg.synth.PhantomSize;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;
import renalseg.volume.Reorientation;

class ResampleTest {

    private static Geometry grid(int nx, int ny, int nz, double sx, double sy, double sz) {
        return new Geometry(nx, ny, nz, new double[] {sx, sy, sz},
            new double[][] {{sx, 0, 0, -3}, {0, sy, 0, 4}, {0, 0, sz, 5}, {0, 0, 0, 1}});
    }

    @Test
    void resamplingToTheImagesOwnSpacingChangesNoByte() throws Exception {
        Phantom p = PhantomGenerator.generate(3, 1, PhantomSize.SMALL);
        var conf = RenalsegConfig.load(null, List.of("roi.in-plane=48"));
        RoiSettings rs = RoiSettings.from(conf);
        double[] own = p.image().geometry().spacing();
        PreprocessSettings off = PreprocessSettings.from(conf);
        PreprocessSettings same = new PreprocessSettings(off.huMin(), off.huMax(), true, own);
        PreparedCase a = new CasePreprocessor(off, rs, new LabelRoiSource(rs)).prepare("c", p.image(), p.labels());
        PreparedCase b = new CasePreprocessor(same, rs, new LabelRoiSource(rs)).prepare("c", p.image(), p.labels());
        assertEquals(a.processing(), b.processing());
        assertEquals(2, b.rois().size());
        for (int i = 0; i < a.rois().size(); i++) {
            assertArrayEquals(a.rois().get(i).voxels(), b.rois().get(i).voxels());
            assertArrayEquals(a.rois().get(i).labels(), b.rois().get(i).labels());
            assertEquals(a.rois().get(i).box(), b.rois().get(i).box());
        }
        List<byte[]> results = b.rois().stream().map(KidneyRoi::labels).toList();
        assertArrayEquals(a.pasteToSource(results).labels(), b.pasteToSource(results).labels());
        // and the files written from it are the same bytes
        assertArrayEquals(nifti(p.image()), nifti(Resample.image(p.image(), own)));
        ByteArrayOutputStream l1 = new ByteArrayOutputStream();
        ByteArrayOutputStream l2 = new ByteArrayOutputStream();
        NiftiWriter.write(l1, p.labels());
        NiftiWriter.write(l2, Resample.labels(p.labels(), own));
        assertArrayEquals(l1.toByteArray(), l2.toByteArray());
        assertSame(p.image(), Resample.image(p.image(), own.clone()));
    }

    private static byte[] nifti(ImageVolume v) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        NiftiWriter.write(o, v, NiftiDatatype.FLOAT32);
        return o.toByteArray();
    }

    @Test
    void labelMapToAnIntegerFactorAndBackIsExact() {
        Geometry g = grid(9, 7, 5, 0.8, 0.8, 3);
        byte[] l = new byte[Math.toIntExact(g.voxelCount())];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < l.length; i++) {
            l[i] = (byte) r.nextInt(3);
        }
        LabelVolume v = new LabelVolume(g, l);
        double[] fine = {0.4, 0.8 / 3, 1}; // factors 2, 3, 3
        LabelVolume up = Resample.labels(v, fine);
        assertArrayEquals(new int[] {18, 21, 15}, up.geometry().shape());
        // every fine voxel holds its nearest coarse voxel's label (brute force over world positions)
        for (int k = 0; k < 15; k++) {
            for (int j = 0; j < 21; j++) {
                for (int i = 0; i < 18; i++) {
                    int ci = Math.min((int) Math.round(i / 2.0), 8);
                    int cj = Math.min((int) Math.round(j / 3.0), 6);
                    int ck = Math.min((int) Math.round(k / 3.0), 4);
                    assertEquals(v.get(ci, cj, ck), up.get(i, j, k));
                }
            }
        }
        assertArrayEquals(l, Resample.labelsOnto(up, g).labels());
        // the smooth way back lands on fine voxel centres exactly too: nothing to interpolate
        assertArrayEquals(l, Resample.argmaxOnto(up, 3, g).labels());
    }

    @Test
    void trilinearMatchesHandComputedValues() {
        // 2 x 2 x 2 corners, halved spacing: the centre voxel is the mean of all eight corners
        Geometry g = grid(2, 2, 2, 2, 2, 2);
        float[] v = {0, 1, 2, 4, 8, 16, 32, 64}; // (x, y, z) = (0,0,0), (1,0,0), (0,1,0), (1,1,0), ... x fastest
        ImageVolume r = Resample.image(new ImageVolume(g, v), new double[] {1, 1, 1});
        assertArrayEquals(new int[] {4, 4, 4}, r.geometry().shape());
        assertEquals(127 / 8.0, r.get(1, 1, 1), 1e-6);
        assertEquals(0.5, r.get(1, 0, 0), 1e-6);        // halfway between 0 and 1
        assertEquals((0 + 1 + 2 + 4) / 4.0, r.get(1, 1, 0), 1e-6);
        assertEquals((2 + 4 + 32 + 64) / 4.0, r.get(1, 2, 1), 1e-6); // y clamped to 1, x and z halfway
        assertEquals(64, r.get(3, 3, 3), 1e-6);          // past the last voxel: the edge value
        // a non-integer factor along one axis: 1 mm -> 0.75 mm over values 0, 10, 40
        Geometry line = grid(3, 1, 1, 1, 1, 1);
        ImageVolume s = Resample.image(new ImageVolume(line, new float[] {0, 10, 40}), new double[] {0.75, 1, 1});
        assertArrayEquals(new float[] {0, 7.5f, 25, 40}, s.voxels(), 1e-5f);
        // the first voxel's centre stays put; the affine's columns scale with the spacing
        assertArrayEquals(line.toWorld(0, 0, 0), s.geometry().toWorld(0, 0, 0), 1e-12);
        assertArrayEquals(line.toWorld(1.5, 0, 0), s.geometry().toWorld(2, 0, 0), 1e-12);
    }

    @Test
    void probabilitiesGoBackInterpolatedThenArgmaxed() {
        // two coarse voxels 2 mm apart: kidney-ish and tumor-ish, both with background at 0.4
        Geometry coarse = grid(2, 1, 1, 2, 1, 1);
        float[] p = {0.4f, 0.4f, 0.6f, 0f, 0f, 0.6f}; // [class][voxel]
        Geometry fine = Resample.target(coarse, new double[] {1, 1, 1});
        LabelVolume l = Resample.argmaxOnto(p, 3, coarse, fine);
        // positions 0, 0.5, 1, 1.5 (clamped to 1); halfway: background 0.4 > kidney 0.3 = tumor 0.3
        assertArrayEquals(new byte[] {1, 0, 2, 2}, l.labels());
        assertThrows(IllegalArgumentException.class, () -> Resample.argmaxOnto(new float[5], 3, coarse, fine));
    }

    @Test
    void labelMapsGoBackAsInterpolatedMasksNotStaircases() {
        // 5 mm slices: background, kidney, kidney, tumor; back to 2.5 mm
        Geometry g = grid(1, 1, 4, 1, 1, 5);
        LabelVolume v = new LabelVolume(g, new byte[] {0, 1, 1, 2});
        Geometry fine = Resample.target(g, new double[] {1, 1, 2.5});
        byte[] out = Resample.argmaxOnto(v, 3, fine).labels();
        // z = 0, 0.5 (tie 0/1: the higher class, as nnU-Net), 1, 1.5, 2, 2.5 (tie 1/2), 3, 3 (clamped)
        assertArrayEquals(new byte[] {0, 1, 1, 1, 1, 2, 2, 2}, out);
        // 1 mm -> 3 mm -> 1 mm: a one-voxel step of kidney along x is placed at the nearest interpolated edge
        Geometry g1 = grid(9, 1, 1, 1, 1, 1);
        LabelVolume coarse = new LabelVolume(Resample.target(g1, new double[] {3, 1, 1}), new byte[] {0, 0, 1});
        byte[] back = Resample.argmaxOnto(coarse, 3, g1).labels();
        // positions 0, 1/3, ..., 2, then clamped at 2: the kidney weight (x - 1) passes 0.5 at x = 1.5
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 1, 1, 1, 1}, back);
    }

    @Test
    void autoSpacingIsTheMedianOfTheTrainingCasesCanonicalSpacings() {
        List<double[]> odd = List.of(new double[] {0.7, 0.7, 5}, new double[] {1, 1, 1}, new double[] {0.8, 0.8, 2.5});
        assertArrayEquals(new double[] {0.8, 0.8, 2.5}, TargetSpacing.median(odd), 1e-12);
        List<double[]> even = List.of(new double[] {0.7, 0.7, 5}, new double[] {1, 1, 1},
            new double[] {0.8, 0.9, 2.5}, new double[] {0.6, 0.5, 0.5});
        assertArrayEquals(new double[] {0.75, 0.8, 1.75}, TargetSpacing.median(even), 1e-12);
        // KiTS19 stores (z, y, x): IPL
        assertArrayEquals(new double[] {0.78, 0.7, 3}, TargetSpacing.canonical(new double[] {3, 0.7, 0.78}, "IPL"));
        assertArrayEquals(new double[] {0.5, 0.6, 2}, TargetSpacing.canonical(new double[] {0.5, 0.6, 2}, "LPS"));
        assertThrows(IllegalArgumentException.class, () -> TargetSpacing.canonical(new double[] {1, 1, 1}, "LLS"));
    }

    @Test
    void spacingConfigTakesNumbersOrAuto() {
        PreprocessSettings auto = PreprocessSettings.from(RenalsegConfig.load(null,
            List.of("preprocess.resample.enabled=true", "preprocess.resample.spacing-mm=auto")));
        assertTrue(auto.autoSpacing());
        assertThrows(IllegalStateException.class, auto::spacingMm);
        assertArrayEquals(new double[] {0.8, 0.8, 2.5}, auto.withSpacing(new double[] {0.8, 0.8, 2.5}).spacingMm());
        assertThrows(ConfigError.class, () -> PreprocessSettings.from(RenalsegConfig.load(null,
            List.of("preprocess.resample.spacing-mm=fine"))));
        PreprocessSettings fixed = PreprocessSettings.from(RenalsegConfig.load(null,
            List.of("preprocess.resample.enabled=true", "preprocess.resample.spacing-mm=[1, 1, 2]")));
        assertArrayEquals(new double[] {1, 1, 2}, fixed.spacingMm());
    }

    @Test
    void aResampledCaseGoesBackToItsOwnGridAndSpace() {
        Phantom p = PhantomGenerator.generate(3, 2, PhantomSize.SMALL);
        var conf = RenalsegConfig.load(null, List.of("roi.in-plane=32", "roi.unit=mm"));
        RoiSettings rs = RoiSettings.from(conf);
        PreprocessSettings ps = PreprocessSettings.from(conf).withSpacing(new double[] {1, 1, 1.5});
        ps = new PreprocessSettings(ps.huMin(), ps.huMax(), true, ps.spacingMm());
        PreparedCase pc = new CasePreprocessor(ps, rs, new LabelRoiSource(rs)).prepare("c", p.image(), p.labels());
        assertTrue(pc.resampled());
        assertEquals(pc.processing(), PreparedCase.processingGrid(Reorientation.of(p.image().geometry()),
            new double[] {1, 1, 1.5}));
        assertEquals(32, pc.rois().get(0).width()); // 32 mm at 1 mm
        LabelVolume back = pc.pasteToSource(pc.rois().stream().map(KidneyRoi::labels).toList());
        assertEquals(p.labels().geometry(), back.geometry());
        // the label map through the coarser grid and back: most foreground voxels agree
        long both = 0;
        long either = 0;
        for (int i = 0; i < back.labels().length; i++) {
            boolean a = p.labels().labels()[i] != 0;
            boolean b = back.labels()[i] != 0;
            both += a && b ? 1 : 0;
            either += a || b ? 1 : 0;
        }
        assertTrue(both > 0.85 * either, both + " of " + either);
    }
}
