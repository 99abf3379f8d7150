package renalseg.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.cohort.CaseData;
import renalseg.cohort.CaseReader;
import renalseg.cohort.CaseRef;
import renalseg.cohort.Cohort;
import renalseg.cohort.CohortSettings;
import renalseg.config.RenalsegConfig;
import renalseg.synth.Phantom;
import renalseg.synth.PhantomSize;
import renalseg.synth.SyntheticCohort;
import renalseg.transforms.PreprocessSettings;

/** The synthetic KiTS19-layout cohort (IPL, slice-first) through listing, reading and kidney ROIs. */
class SyntheticCohortRoiTest {

    @TempDir
    Path dir;

    @Test
    void oneRoiPerKidneyAndLabelsPasteBackExactly() throws Exception {
        List<Phantom> phantoms = SyntheticCohort.write(dir, 3, 11, PhantomSize.SMALL);
        var conf = RenalsegConfig.load(null, List.of("cohort.uri=\"" + dir + "\"", "roi.in-plane=48"));
        CohortSettings cs = CohortSettings.from(conf);
        List<CaseRef> cases = Cohort.list(cs, new Configuration());
        assertEquals(3, cases.size());
        CaseReader reader = new CaseReader(cs, new Configuration());
        RoiSettings rs = RoiSettings.from(conf);
        CasePreprocessor cp = new CasePreprocessor(PreprocessSettings.from(conf), rs, new LabelRoiSource(rs));
        for (int i = 0; i < cases.size(); i++) {
            CaseData d = reader.read(cases.get(i));
            assertEquals("IPL", d.imageHeader().axcodes());
            PreparedCase pc = cp.prepare(d);
            assertEquals(phantoms.get(i).kidneys(), pc.rois().size(), cases.get(i).caseId());
            if (pc.rois().size() == 2) {
                assertNotEquals(pc.rois().get(0).side(), pc.rois().get(1).side());
            }
            // canonical: slices are the last axis (32 for SMALL)
            assertEquals(PhantomSize.SMALL.nz, pc.processing().nz());
            assertArrayEquals(d.labels().labels(),
                pc.pasteToSource(pc.rois().stream().map(KidneyRoi::labels).toList()).labels());
        }
    }
}
