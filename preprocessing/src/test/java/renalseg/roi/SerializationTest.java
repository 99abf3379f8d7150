package renalseg.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import renalseg.augment.SampleRecord;
import renalseg.cohort.CaseRef;
import renalseg.volume.Geometry;
import renalseg.volume.Reorientation;

/** Spark's default serializer is Java serialization: the values that travel between executors must survive it. */
class SerializationTest {

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T o) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void recordsSurviveJavaSerialization() throws Exception {
        KidneyRoi r = new KidneyRoi("case_00001", KidneySide.RIGHT, new RoiBox(-3, 2, 1, 2, 1, 1),
            new float[] {0.25f, 1}, new byte[] {1, 2});
        KidneyRoi back = roundTrip(r);
        assertEquals(r.box(), back.box());
        assertEquals(r.id(), back.id());
        assertArrayEquals(r.voxels(), back.voxels());
        assertArrayEquals(r.labels(), back.labels());
        SampleRecord s = new SampleRecord("case_00001_right", -4, 0, 11, true, false, true, 99L);
        assertEquals(s, roundTrip(s));
        CaseRef c = new CaseRef("case_00001", "s3a://b/case_00001/imaging.nii.gz", null);
        assertEquals(c, roundTrip(c));
        Reorientation ro = Reorientation.of(new Geometry(2, 3, 4, new double[] {3, 1, 1},
            new double[][] {{0, 0, -1, 0}, {0, -1, 0, 0}, {-3, 0, 0, 0}, {0, 0, 0, 1}}));
        assertEquals(ro, roundTrip(ro));
    }
}
