package renalseg.cohort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.config.RenalsegConfig;
import renalseg.io.NiftiDatatype;
import renalseg.io.NiftiWriter;
import renalseg.util.InputError;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

class CohortTest {

    @TempDir
    Path dir;

    static final Configuration HADOOP = new Configuration();

    static Geometry grid(double shift) {
        return new Geometry(4, 3, 2, new double[] {3, 0.8, 0.8},
            new double[][] {{0, 0, -0.8, shift}, {0, -0.8, 0, 0}, {-3, 0, 0, 0}, {0, 0, 0, 1}});
    }

    void writeCase(Path root, String id, byte[] labels, String labelName, double labelShift) throws Exception {
        Path c = root.resolve(id);
        Files.createDirectories(c);
        float[] v = new float[24];
        for (int i = 0; i < 24; i++) {
            v[i] = i * 10 - 100;
        }
        NiftiWriter.write(c.resolve("imaging.nii.gz"), new ImageVolume(grid(0), v), NiftiDatatype.INT16);
        if (labels != null) {
            NiftiWriter.write(c.resolve(labelName), new LabelVolume(grid(labelShift), labels));
        }
    }

    static byte[] labels(int... nonzero) {
        byte[] b = new byte[24];
        for (int i = 0; i + 1 < nonzero.length; i += 2) {
            b[nonzero[i]] = (byte) nonzero[i + 1];
        }
        return b;
    }

    CohortSettings settings(String uri, String layout, boolean cyst) {
        return CohortSettings.from(RenalsegConfig.load(null, List.of("cohort.uri=\"" + uri + "\"",
            "cohort.layout=" + layout, "cohort.kits21-cyst-as-kidney=" + cyst)));
    }

    @Test
    void kits19Folder() throws Exception {
        writeCase(dir, "case_00001", labels(3, 1, 4, 2), "segmentation.nii.gz", 0);
        writeCase(dir, "case_00000", labels(0, 1), "segmentation.nii.gz", 0);
        writeCase(dir, "case_00002", null, null, 0);
        Files.createDirectories(dir.resolve("docs"));
        List<CaseRef> cases = Cohort.list(settings(dir.toString(), "auto", true), HADOOP);
        assertEquals(List.of("case_00000", "case_00001", "case_00002"), cases.stream().map(CaseRef::caseId).toList());
        assertTrue(cases.get(0).imageUri().endsWith("case_00000/imaging.nii.gz"));
        assertTrue(cases.get(1).labelUri().endsWith("case_00001/segmentation.nii.gz"));
        assertNull(cases.get(2).labelUri());

        CaseReader reader = new CaseReader(settings(dir.toString(), "auto", true), HADOOP);
        CaseData d = reader.read(cases.get(1));
        assertEquals(-100 + 10 * 5, d.image().voxels()[5], 0f);
        assertArrayEquals(labels(3, 1, 4, 2), d.labels().labels());
        assertEquals("IPL", d.imageHeader().axcodes());
        assertNull(reader.read(cases.get(2)).labels());
        // through a file: URI too
        assertEquals(3, Cohort.list("file://" + dir.toAbsolutePath(), CohortLayout.KITS19, HADOOP).size());
    }

    @Test
    void kits21CystIsKidneyUnlessConfigured() throws Exception {
        writeCase(dir, "case_00000", labels(0, 1, 1, 2, 2, 3), "aggregated_MAJ_seg.nii.gz", 0);
        List<CaseRef> cases = Cohort.list(settings(dir.toString(), "auto", true), HADOOP);
        assertTrue(cases.get(0).labelUri().endsWith("aggregated_MAJ_seg.nii.gz"));
        assertArrayEquals(labels(0, 1, 1, 2, 2, 1),
            new CaseReader(settings(dir.toString(), "auto", true), HADOOP).read(cases.get(0)).labels().labels());
        assertArrayEquals(labels(0, 1, 1, 2),
            new CaseReader(settings(dir.toString(), "kits21", false), HADOOP).read(cases.get(0)).labels().labels());
    }

    @Test
    void manifestWithRelativeAndAbsoluteUris() throws Exception {
        writeCase(dir.resolve("data"), "a", labels(0, 1), "seg.nii.gz", 0);
        writeCase(dir.resolve("data"), "b", null, null, 0);
        Path csv = dir.resolve("cohort.csv");
        Files.writeString(csv, "case_id,image_uri,label_uri\n"
            + "p1,data/a/imaging.nii.gz,data/a/seg.nii.gz\n"
            + "\"p2\"," + dir.resolve("data/b/imaging.nii.gz").toAbsolutePath() + ",\n");
        List<CaseRef> cases = Cohort.list(settings(csv.toString(), "auto", true), HADOOP);
        assertEquals(2, cases.size());
        assertEquals("p1", cases.get(0).caseId());
        assertNull(cases.get(1).labelUri());
        CaseReader r = new CaseReader(settings(csv.toString(), "auto", true), HADOOP);
        assertArrayEquals(labels(0, 1), r.read(cases.get(0)).labels().labels());
        assertEquals(24, r.read(cases.get(1)).image().voxels().length);
    }

    @Test
    void caseIdsThatCouldEscapeAreRejected() throws Exception {
        for (String bad : new String[] {"", ".", "..", "../x", "a/b", "a\\b", "x\ny", "tab\there", "nul\0"}) {
            assertThrows(InvalidCaseId.class, () -> CaseRef.checkId(bad), bad);
        }
        CaseRef.checkId("case_00001");
        CaseRef.checkId("patient 7 (left).v2");
        Path csv = dir.resolve("m.csv");
        Files.writeString(csv, "case_id,image_uri,label_uri\n../../etc,x.nii.gz,\n");
        InvalidCaseId e = assertThrows(InvalidCaseId.class, () -> Cohort.list(csv.toString(), CohortLayout.AUTO, HADOOP));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void labelOnAnotherGridIsANamedCaseError() throws Exception {
        writeCase(dir, "case_00000", labels(0, 1), "segmentation.nii.gz", 2.0); // shifted by 2 mm
        CaseReader r = new CaseReader(settings(dir.toString(), "auto", true), HADOOP);
        CaseRef ref = Cohort.list(dir.toString(), CohortLayout.AUTO, HADOOP).get(0);
        GeometryMismatch e = assertThrows(GeometryMismatch.class, () -> r.read(ref));
        assertTrue(e.getMessage().contains("case_00000") && e.getMessage().contains("affine"), e.getMessage());

        Path c = dir.resolve("case_00000");
        NiftiWriter.write(c.resolve("segmentation.nii.gz"), LabelVolume.empty(Geometry.of(4, 3, 3, 1, 1, 1)));
        e = assertThrows(GeometryMismatch.class, () -> r.read(ref));
        assertTrue(e.getMessage().contains("shape"), e.getMessage());
    }

    @Test
    void missingThingsAreNamed() throws Exception {
        InputError e = assertThrows(InputError.class, () -> Cohort.list(dir.resolve("nope").toString(),
            CohortLayout.AUTO, HADOOP));
        assertTrue(e.getMessage().contains("not found"));
        Files.createDirectories(dir.resolve("case_00009"));
        CaseRef ref = Cohort.list(dir.toString(), CohortLayout.AUTO, HADOOP).get(0);
        CaseReader r = new CaseReader(settings(dir.toString(), "auto", true), HADOOP);
        e = assertThrows(InputError.class, () -> r.read(ref));
        assertTrue(e.getMessage().contains("case_00009") && e.getMessage().contains("not found"), e.getMessage());
    }
}
