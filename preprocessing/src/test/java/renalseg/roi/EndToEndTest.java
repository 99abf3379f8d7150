package renalseg.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.augment.AugmentSettings;
import renalseg.augment.RoiIndex;
import renalseg.augment.SampleManifest;
import renalseg.augment.SampleMaterializer;
import renalseg.augment.SampleRecord;
import renalseg.augment.SampleTensor;
import renalseg.cohort.CaseData;
import renalseg.cohort.CaseReader;
import renalseg.cohort.CaseRef;
import renalseg.cohort.Cohort;
import renalseg.cohort.CohortSettings;
import renalseg.config.RenalsegConfig;
import renalseg.io.NiftiDatatype;
import renalseg.io.NiftiHeader;
import renalseg.io.NiftiWriter;
import renalseg.transforms.MeanAccumulator;
import renalseg.transforms.PreprocessSettings;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/** Files on disk in KiTS19 layout -> cohort -> ROIs -> manifest -> tensors, and ROI labels back to the file's space. */
class EndToEndTest {

    @TempDir
    Path dir;

    @Test
    void kits19CaseThroughStagesOneToThree() throws Exception {
        var conf = RenalsegConfig.load(null, List.of("cohort.uri=\"" + dir + "\"", "model.preset=small",
            "augment.samples=200", "roi.in-plane=40"));
        // KiTS19 storage: (z, y, x), IPL
        double[][] ipl = {{0, 0, -0.8, 0}, {0, -0.8, 0, 0}, {-2.5, 0, 0, 0}, {0, 0, 0, 1}};
        Geometry g = new Geometry(24, 50, 64, new double[] {2.5, 0.8, 0.8}, ipl);
        float[] hu = new float[Math.toIntExact(g.voxelCount())];
        byte[] lab = new byte[hu.length];
        for (int z = 0; z < 24; z++) {
            for (int y = 0; y < 50; y++) {
                for (int x = 0; x < 64; x++) {
                    int i = g.index(z, y, x);
                    hu[i] = -1000 + (x * 7 + y * 3 + z) % 1400;
                    boolean right = x >= 8 && x <= 20 && y >= 15 && y <= 30 && z >= 6 && z <= 16;
                    boolean left = x >= 44 && x <= 56 && y >= 15 && y <= 32 && z >= 5 && z <= 18;
                    lab[i] = (byte) (right || left ? 1 : 0);
                    if (left && x >= 50 && y <= 20 && z <= 8) {
                        lab[i] = 2;
                    }
                }
            }
        }
        NiftiWriter.write(dir.resolve("case_00000/imaging.nii.gz"), new ImageVolume(g, hu), NiftiDatatype.INT16);
        NiftiWriter.write(dir.resolve("case_00000/segmentation.nii.gz"), new LabelVolume(g, lab));

        CohortSettings cs = CohortSettings.from(conf);
        List<CaseRef> cases = Cohort.list(cs, new Configuration());
        CaseReader reader = new CaseReader(cs, new Configuration());
        NiftiHeader h = reader.header(cases.get(0).imageUri());
        assertEquals("IPL", h.axcodes());
        assertEquals("int16", h.datatype().label);
        CaseData d = reader.read(cases.get(0));

        RoiSettings rs = RoiSettings.from(conf);
        PreparedCase pc = new CasePreprocessor(PreprocessSettings.from(conf), rs, new LabelRoiSource(rs)).prepare(d);
        assertEquals(2, pc.rois().size());
        KidneyRoi left = pc.rois().get(0);
        assertEquals(KidneySide.LEFT, left.side());
        int tumor = RoiTest.voxelsLabelled(left.labels(), 2);
        assertTrue(tumor > 0, "the tumor (array x >= 50: patient left in IPL) is in the left ROI");
        // ROI labels pasted back equal the file's label map
        List<byte[]> results = new ArrayList<>();
        pc.rois().forEach(r -> results.add(r.labels()));
        assertArrayEquals(lab, pc.pasteToSource(results).labels());

        MeanAccumulator m = MeanAccumulator.EMPTY;
        List<RoiIndex> index = new ArrayList<>();
        for (KidneyRoi r : pc.rois()) {
            m = m.add(r.voxels());
            index.add(RoiIndex.of(r, 1000));
        }
        AugmentSettings as = AugmentSettings.from(conf);
        assertEquals(16, as.depth());
        List<SampleRecord> samples = SampleManifest.generate(index, as);
        SampleMaterializer mat = new SampleMaterializer(as, m.mean(), 0f);
        for (SampleRecord s : samples.subList(0, 20)) {
            KidneyRoi r = s.roiId().equals(left.id()) ? left : pc.rois().get(1);
            SampleTensor t = mat.materialize(s, r);
            assertEquals(16 * 32 * 32, t.features().length);
            assertArrayEquals(t.features(), mat.materialize(s, r).features()); // deterministic
        }
    }
}
