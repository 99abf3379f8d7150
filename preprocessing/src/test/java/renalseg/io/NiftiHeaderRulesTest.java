package renalseg.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.util.InputError;

/** Every header rule of {@link NiftiHeaderRules}: the message names file, field, value and rule. */
class NiftiHeaderRulesTest {

    @TempDir
    Path dir;

    private NiftiBytes good() {
        return new NiftiBytes().dims(2, 2, 2).values(4, 1, 2, 3, 4, 5, 6, 7, 8);
    }

    /** Writes a variant of a good file and expects both header() and read() to fail naming every part. */
    private String refused(String name, Consumer<NiftiBytes> change, String... parts) {
        NiftiBytes nb = good();
        change.accept(nb);
        Path p = nb.write(dir.resolve(name));
        InputError h = assertThrows(InputError.class, () -> NiftiReader.readHeader(p), name);
        InputError r = assertThrows(InputError.class, () -> NiftiReader.read(p), name);
        for (String msg : new String[] {h.getMessage(), r.getMessage()}) {
            assertTrue(msg.startsWith(p.toString()), msg);
            for (String part : parts) {
                assertTrue(msg.contains(part), "'" + part + "' in: " + msg);
            }
        }
        return h.getMessage();
    }

    @Test
    void spacingMustBeFiniteAndPositiveOnSpatialAxes() {
        refused("zero.nii", nb -> nb.pixdim[2] = 0, "pixdim[2] = 0", "finite and > 0");
        refused("nan.nii", nb -> nb.pixdim[1] = Double.NaN, "pixdim[1] = NaN");
        refused("inf.nii", nb -> nb.pixdim[3] = Double.POSITIVE_INFINITY, "pixdim[3] = Infinity");
        // a time step of 0 on axis 4 is not a spatial spacing: fine (dims 2x2x2x1)
        NiftiBytes t = good().dims(2, 2, 2, 1);
        t.pixdim[4] = 0;
        assertEquals(0.0, NiftiReader.readHeader(t.write(dir.resolve("t0.nii"))).pixdim()[4]);
        // negative spacing is made positive on load, as nibabel does
        NiftiBytes neg = good();
        neg.pixdim[1] = -2;
        assertArrayEquals(new double[] {2, 1, 1}, NiftiReader.readHeader(neg.write(dir.resolve("neg.nii"))).spacing());
    }

    @Test
    void theAffineInUseMustBeFiniteAndInvertible() {
        refused("nansform.nii", nb -> {
            nb.sformCode = 1;
            nb.srow[1][1] = Double.NaN;
        }, "sform", "NaN", "row 1, column 1", "finite");
        refused("singular.nii", nb -> {
            nb.sformCode = 2;
            nb.srow = new double[][] {{1, 0, 0, 0}, {2, 0, 0, 0}, {0, 0, 1, 0}};
        }, "sform", "singular", "invertible");
        refused("nanqoffset.nii", nb -> {
            nb.qformCode = 1;
            nb.qoffset[0] = Double.NaN;
        }, "qform", "NaN");
        // an unused NaN sform (sform_code 0) is ignored, as nibabel's best affine ignores it
        NiftiBytes unused = good();
        unused.srow[0][0] = Double.NaN;
        assertEquals(-1.0, NiftiReader.readHeader(unused.write(dir.resolve("unused.nii"))).affine()[0][0]);
    }

    @Test
    void xformCodesScalingAndDatatype() {
        refused("qcode.nii", nb -> nb.qformCode = 9, "qform_code = 9", "0...5");
        refused("scode.nii", nb -> nb.sformCode = -1, "sform_code = -1");
        refused("inter.nii", nb -> {
            nb.slope = 2;
            nb.inter = Double.POSITIVE_INFINITY;
        }, "scl_inter", "finite");
        refused("rgb.nii", nb -> {
            nb.datatype = 128;
            nb.bitpix = 24;
        }, "datatype = 128", "RGB24");
        refused("unknown.nii", nb -> nb.datatype = 7, "datatype = 7", "not a NIfTI datatype code");
    }

    @Test
    void dimsAndTheirProductIn64Bits() {
        refused("dim0.nii", nb -> nb.dim[0] = 8, "dim[0] = 8", "1..7");
        refused("negdim.nii", nb -> nb.dim[2] = -4, "dim[2] = -4", "positive");
        // 2^32 voxels: the int product would wrap to 0
        refused("wrap.nii", nb -> {
            nb.version = 2;
            nb.dims(65536, 65536, 1);
        }, "image too large", "4294967296 voxels");
        // 100000^3 fits a long; (2^31)^3 does not
        refused("cube.nii", nb -> {
            nb.version = 2;
            nb.dims(100000, 100000, 100000);
        }, "image too large", "1000000000000000 voxels");
        refused("overflow.nii", nb -> {
            nb.version = 2;
            nb.dims(1L << 31, 1L << 31, 1L << 31);
        }, "image too large", "more than 2^63");
    }

    @Test
    void voxOffsetWithinTheFile() throws Exception {
        NiftiBytes past = good();
        past.voxOffset = 4096;
        Path pp = dir.resolve("past.nii");
        Files.write(pp, Arrays.copyOf(past.bytes(), 400)); // the file ends long before its vox_offset
        InputError ep = assertThrows(InputError.class, () -> NiftiReader.readHeader(pp));
        assertTrue(ep.getMessage().contains("vox_offset = 4096") && ep.getMessage().contains("within the file (400 bytes)"),
            ep.getMessage());
        InputError er = assertThrows(InputError.class, () -> NiftiReader.read(pp));
        assertTrue(er.getMessage().contains("vox_offset") && er.getMessage().contains("4096"), er.getMessage());
        byte[] nan = good().bytes();
        java.nio.ByteBuffer.wrap(nan).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(108, Float.NaN);
        Path np = Files.write(dir.resolve("nanoffset.nii"), nan);
        InputError en = assertThrows(InputError.class, () -> NiftiReader.read(np));
        assertTrue(en.getMessage().contains("vox_offset = NaN") && en.getMessage().contains("non-negative"),
            en.getMessage());
        // data cut short: the header alone already knows, from the stored length
        NiftiBytes nb = good();
        byte[] raw = nb.bytes();
        Path p = dir.resolve("cut.nii");
        Files.write(p, Arrays.copyOf(raw, raw.length - 3));
        InputError e = assertThrows(InputError.class, () -> NiftiReader.readHeader(p));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("needs 368 bytes"), e.getMessage());
    }

    @Test
    void nanVoxelsAreRefusedByImageButCountedByStats() {
        NiftiBytes nb = new NiftiBytes().dims(2, 2, 1).values(16, 1, Double.NaN, Double.POSITIVE_INFINITY, Double.NaN);
        Path p = nb.write(dir.resolve("nanvox.nii"));
        InputError e = assertThrows(InputError.class, () -> NiftiReader.read(p));
        assertTrue(e.getMessage().contains("2 NaN and 1 infinite"), e.getMessage());
        VolumeStats s = NiftiReader.withDefaults().stats(p);
        assertEquals(2, s.nanCount());
        assertEquals(1, s.infCount());
        assertEquals(1.0, s.min());
        assertEquals(1.0, s.max());
        assertEquals(1.0, s.mean());
    }

    @Test
    void floatLabelsWithIntegralValuesRead() {
        NiftiBytes nb = new NiftiBytes().dims(2, 2, 1).values(16, 0, 1, 2, 1);
        assertArrayEquals(new byte[] {0, 1, 2, 1}, NiftiReader.readLabels(nb.write(dir.resolve("f.nii"))).labels());
    }
}
