package renalseg.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import renalseg.util.InputError;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

class NiftiReaderTest {

    @TempDir
    Path dir;

    /** Per datatype code: 8 values covering its range (extremes included), as numpy would hold them. */
    static java.util.stream.Stream<Arguments> datatypes() {
        return java.util.stream.Stream.of(
            Arguments.of("uint8", 2, new double[] {0, 1, 2, 127, 128, 200, 254, 255}),
            Arguments.of("int8", 256, new double[] {-128, -1, 0, 1, 2, 100, 126, 127}),
            Arguments.of("int16", 4, new double[] {-32768, -1024, -1, 0, 1, 500, 3071, 32767}),
            Arguments.of("uint16", 512, new double[] {0, 1, 1024, 32767, 32768, 40000, 65534, 65535}),
            Arguments.of("int32", 8, new double[] {-2147483648.0, -70000, -1, 0, 1, 70000, 1 << 30, 2147483647}),
            Arguments.of("uint32", 768, new double[] {0, 1, 70000, 2147483647, 2147483648.0, 3e9, 4294967294.0,
                4294967295.0}),
            Arguments.of("int64", 1024, new double[] {-1e15, -5, -1, 0, 1, 5, 1 << 40, 1e15}),
            Arguments.of("float32", 16, new double[] {-1000.5, -0.25, 0, 0.125, 1, 3.5, 1e6, -3e-3}),
            Arguments.of("float64", 64, new double[] {-1000.5, -0.25, 0, 0.125, 1, 3.5, 1e12, -3e-3}));
    }

    @ParameterizedTest(name = "{0} {3}")
    @MethodSource("datatypesBothOrders")
    void readsEveryDatatypeInBothByteOrders(String name, int code, double[] values, String endian) {
        NiftiBytes nb = new NiftiBytes();
        nb.order = endian.equals("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        nb.dims(2, 2, 2).values(code, values);
        Path p = nb.write(dir.resolve(name + "-" + endian + ".nii"));
        NiftiImage img = NiftiReader.read(p);
        assertEquals(name, img.header().datatype().label);
        assertEquals(nb.order, img.header().byteOrder());
        float[] v = img.volume().voxels();
        for (int i = 0; i < values.length; i++) {
            float expect = code == 16 ? (float) values[i] : (float) values[i];
            assertEquals(expect, v[i], 0f, name + " voxel " + i);
        }
        VolumeStats s = NiftiReader.withDefaults().stats(p);
        assertEquals(Arrays.stream(values).min().getAsDouble(), s.min(), Math.ulp(s.min()) * 2);
        assertEquals(Arrays.stream(values).max().getAsDouble(), s.max(), Math.ulp(s.max()) * 2);
    }

    static java.util.stream.Stream<Arguments> datatypesBothOrders() {
        return datatypes().flatMap(a -> java.util.stream.Stream.of("little", "big").map(e -> Arguments.of(
            a.get()[0], a.get()[1], a.get()[2], e)));
    }

    @Test
    void appliesSlopeAndIntercept() {
        NiftiBytes nb = new NiftiBytes().dims(2, 2, 1).values(512, 0, 1, 1000, 2024);
        nb.slope = 1;
        nb.inter = -1024;
        NiftiImage img = NiftiReader.read(nb.write(dir.resolve("ct.nii")));
        assertArrayEquals(new float[] {-1024, -1023, -24, 1000}, img.volume().voxels());

        nb.slope = 0.5;
        nb.inter = 10;
        img = NiftiReader.read(nb.write(dir.resolve("half.nii")));
        assertArrayEquals(new float[] {10, 10.5f, 510, 1022}, img.volume().voxels());
        assertTrue(img.header().scaled());
    }

    @Test
    void slopeZeroOrNanMeansNoScaling() {
        for (double slope : new double[] {0, Double.NaN}) {
            NiftiBytes nb = new NiftiBytes().dims(2, 1, 1).values(4, -5, 7);
            nb.slope = slope;
            nb.inter = 100; // ignored with the slope, as nibabel does
            NiftiImage img = NiftiReader.read(nb.write(dir.resolve("s" + slope + ".nii")));
            assertArrayEquals(new float[] {-5, 7}, img.volume().voxels());
            assertEquals(1.0, img.header().slope());
            assertEquals(0.0, img.header().inter());
        }
    }

    @Test
    void honoursVoxOffsetPastExtensions() {
        NiftiBytes nb = new NiftiBytes().dims(3, 1, 1).values(4, 11, -12, 13);
        nb.voxOffset = 480; // 128 junk bytes after the header
        NiftiImage img = NiftiReader.read(nb.write(dir.resolve("off.nii")));
        assertArrayEquals(new float[] {11, -12, 13}, img.volume().voxels());
        assertEquals(480, img.header().voxOffset());
    }

    @Test
    void readsNifti2BothOrdersAndGzip() {
        for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            NiftiBytes nb = new NiftiBytes();
            nb.version = 2;
            nb.order = o;
            nb.dims(2, 3, 1).values(16, 1.5, -2, 3, 4, 5, 6.25);
            nb.slope = 2;
            nb.inter = 1;
            nb.pixdim = new double[] {1, 0.7, 0.8, 2.5, 1, 1, 1, 1};
            nb.voxOffset = 560;
            NiftiImage img = NiftiReader.read(nb.write(dir.resolve("n2" + o + ".nii.gz")));
            assertEquals(2, img.header().version());
            assertArrayEquals(new int[] {2, 3, 1}, img.header().shape());
            assertArrayEquals(new float[] {4, -3, 7, 9, 11, 13.5f}, img.volume().voxels());
            assertArrayEquals(new double[] {0.7, 0.8, 2.5}, img.volume().geometry().spacing());
        }
    }

    @Test
    void readsGzippedNifti1AndFourDWithOneVolume() {
        NiftiBytes nb = new NiftiBytes().dims(2, 2, 1, 1).values(2, 1, 2, 3, 4);
        NiftiImage img = NiftiReader.read(nb.write(dir.resolve("four.nii.gz")));
        assertArrayEquals(new float[] {1, 2, 3, 4}, img.volume().voxels());
        assertArrayEquals(new int[] {2, 2, 1}, img.header().shape());
        assertArrayEquals(new long[] {2, 2, 1, 1}, img.header().fullShape());
    }

    @Test
    void sformWinsOverQformWhichWinsOverPixdim() {
        NiftiBytes nb = new NiftiBytes().dims(4, 5, 6).values(2, new double[120]);
        nb.pixdim = new double[] {-1, 2, 3, 4, 1, 1, 1, 1};
        // qform: 180 degrees about z (quaternion b=c=0, d=1): R = diag(-1, -1, 1); qfac -1 flips the third
        nb.quat = new double[] {0, 0, 1};
        nb.qoffset = new double[] {10, 20, 30};
        nb.srow = new double[][] {{0, 0, -2.5, 7}, {0, -0.5, 0, 8}, {-0.75, 0, 0, 9}};

        // no codes: nibabel's base affine, x flipped, centre at the origin
        double[][] base = {{-2, 0, 0, 3}, {0, 3, 0, -6}, {0, 0, 4, -10}, {0, 0, 0, 1}};
        assertAffine(base, NiftiReader.readHeader(nb.write(dir.resolve("none.nii"))).affine());
        assertEquals("LAS", NiftiReader.readHeader(dir.resolve("none.nii")).axcodes());

        nb.qformCode = 1;
        double[][] q = {{-2, 0, 0, 10}, {0, -3, 0, 20}, {0, 0, -4, 30}, {0, 0, 0, 1}};
        assertAffine(q, NiftiReader.readHeader(nb.write(dir.resolve("q.nii"))).affine());
        assertEquals("LPI", NiftiReader.readHeader(dir.resolve("q.nii")).axcodes());

        nb.sformCode = 2;
        double[][] s = {{0, 0, -2.5, 7}, {0, -0.5, 0, 8}, {-0.75, 0, 0, 9}, {0, 0, 0, 1}};
        NiftiHeader h = NiftiReader.readHeader(nb.write(dir.resolve("s.nii")));
        assertAffine(s, h.affine());
        assertEquals("IPL", h.axcodes());
        // spacing stays pixdim as stored, as nibabel's get_zooms
        assertArrayEquals(new double[] {2, 3, 4}, h.spacing());
    }

    @Test
    void qformRotationFromQuaternion() {
        // 90 degrees about x: a = cos 45, b = sin 45: y -> z, z -> -y
        double s = Math.sqrt(0.5);
        NiftiBytes nb = new NiftiBytes().dims(2, 2, 2).values(2, new double[8]);
        nb.qformCode = 1;
        nb.quat = new double[] {s, 0, 0};
        nb.pixdim = new double[] {1, 1, 2, 3, 1, 1, 1, 1};
        NiftiHeader h = NiftiReader.readHeader(nb.write(dir.resolve("rot.nii")));
        double[][] expect = {{1, 0, 0, 0}, {0, 0, -3, 0}, {0, 2, 0, 0}, {0, 0, 0, 1}};
        assertAffine(expect, h.affine());
        assertEquals("RSP", h.axcodes());
    }

    @Test
    void readsLabelsAndRejectsNonLabels() {
        NiftiBytes nb = new NiftiBytes().dims(2, 2, 1).values(4, 0, 1, 2, 1);
        LabelVolume l = NiftiReader.readLabels(nb.write(dir.resolve("seg.nii.gz")));
        assertArrayEquals(new byte[] {0, 1, 2, 1}, l.labels());

        nb.values(16, 0, 1, 2.5, 1);
        Path frac = nb.write(dir.resolve("frac.nii"));
        InputError e = assertThrows(InputError.class, () -> NiftiReader.readLabels(frac));
        assertTrue(e.getMessage().contains("frac.nii") && e.getMessage().contains("not a label map"), e.getMessage());

        nb.values(4, 0, 1, 256, 1);
        Path big = nb.write(dir.resolve("big.nii"));
        e = assertThrows(InputError.class, () -> NiftiReader.readLabels(big));
        assertTrue(e.getMessage().contains("256"), e.getMessage());
    }

    @Test
    void statsAndCountsOfScaledValues() {
        NiftiBytes nb = new NiftiBytes().dims(3, 2, 1).values(2, 0, 0, 1, 1, 1, 2);
        nb.slope = 2;
        nb.inter = -1;
        VolumeStats s = NiftiReader.withDefaults().stats(nb.write(dir.resolve("c.nii")));
        assertEquals(-1, s.min());
        assertEquals(3, s.max());
        assertEquals((-1 - 1 + 1 + 1 + 1 + 3) / 6.0, s.mean(), 1e-12);
        assertEquals(Map.of(-1L, 2L, 1L, 3L, 3L, 1L), s.counts());

        double[] many = new double[20];
        for (int i = 0; i < 20; i++) {
            many[i] = i;
        }
        VolumeStats m = NiftiReader.withDefaults().stats(new NiftiBytes().dims(20, 1, 1).values(2, many)
            .write(dir.resolve("many.nii")));
        assertNull(m.counts());
        assertEquals(9.5, m.mean(), 1e-12);
    }

    // ---- bad files: each a named InputError ----

    private InputError bad(Path p) {
        InputError e = assertThrows(InputError.class, () -> NiftiReader.read(p));
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());
        return e;
    }

    @Test
    void truncatedGzip() throws Exception {
        byte[] gz = NiftiBytes.gzip(new NiftiBytes().dims(64, 64, 4).values(4, new double[64 * 64 * 4]).bytes());
        Path p = dir.resolve("trunc.nii.gz");
        Files.write(p, Arrays.copyOf(gz, gz.length / 2));
        assertTrue(bad(p).getMessage().contains("truncated"));
    }

    @Test
    void truncatedPlainFile() throws Exception {
        byte[] raw = new NiftiBytes().dims(4, 4, 4).values(4, new double[64]).bytes();
        Path p = dir.resolve("short.nii");
        Files.write(p, Arrays.copyOf(raw, raw.length - 10));
        assertTrue(bad(p).getMessage().contains("truncated"));
    }

    @Test
    void wrongMagic() {
        NiftiBytes nb = new NiftiBytes();
        nb.magic = "xyz\0";
        assertTrue(bad(nb.write(dir.resolve("magic.nii"))).getMessage().contains("wrong magic"));
        Path notNifti = dir.resolve("text.nii");
        try {
            Files.writeString(notNifti, "this is not an image at all, just some text here");
        } catch (Exception ex) {
            throw new RuntimeException(ex);
        }
        assertTrue(bad(notNifti).getMessage().contains("not a NIfTI"));
    }

    @Test
    void tooLargeIsRefusedFromTheHeaderAlone() throws Exception {
        // a 2 GB volume announced by a header with 8 voxel bytes: must fail before allocating
        NiftiBytes nb = new NiftiBytes().dims(30000, 30000, 30000).values(4, 1, 2, 3, 4);
        nb.version = 2;
        Path p = nb.write(dir.resolve("huge.nii"));
        InputError e = bad(p);
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        // a configurable limit: 8 voxels fit in 8, not in 7
        Path small = new NiftiBytes().dims(2, 2, 2).values(2, new double[8]).write(dir.resolve("eight.nii"));
        assertEquals(8, new NiftiReader(8).image(small).volume().voxels().length);
        InputError e2 = assertThrows(InputError.class, () -> new NiftiReader(7).image(small));
        assertTrue(e2.getMessage().contains("too large") && e2.getMessage().contains("eight.nii"));
        // the header alone is refused too, so ingest names the size, not a later shape mismatch
        InputError e3 = assertThrows(InputError.class, () -> new NiftiReader(7).header(p));
        assertTrue(e3.getMessage().contains("image too large") && e3.getMessage().contains("27000000000000"),
            e3.getMessage());
    }

    @Test
    void unknownDatatype() {
        NiftiBytes nb = new NiftiBytes().dims(2, 1, 1);
        nb.datatype = 32; // complex64
        nb.data = new byte[16];
        assertTrue(bad(nb.write(dir.resolve("complex.nii"))).getMessage().contains("datatype = 32 (complex64)"));
    }

    @Test
    void moreThanOneVolume() {
        NiftiBytes nb = new NiftiBytes().dims(2, 2, 1, 2).values(2, 1, 2, 3, 4, 5, 6, 7, 8);
        assertTrue(bad(nb.write(dir.resolve("twovol.nii"))).getMessage().contains("more than one volume"));
    }

    @Test
    void pairHeaderAndBadDims() {
        NiftiBytes nb = new NiftiBytes();
        nb.magic = "ni1\0";
        assertTrue(bad(nb.write(dir.resolve("pair.nii"))).getMessage().contains(".hdr/.img"));
        NiftiBytes z = new NiftiBytes().dims(2, 0, 2);
        assertTrue(bad(z.write(dir.resolve("zero.nii"))).getMessage().contains("dim[2]"));
    }

    @Test
    void streamsCarryTheirName() {
        byte[] raw = NiftiBytes.gzip(new NiftiBytes().dims(2, 1, 1).values(4, 3, 4).bytes());
        NiftiImage img = NiftiReader.withDefaults().image(new ByteArrayInputStream(raw), "s3a://b/x.nii.gz");
        assertArrayEquals(new float[] {3, 4}, img.volume().voxels());
        InputError e = assertThrows(InputError.class, () -> NiftiReader.withDefaults().image(
            new ByteArrayInputStream(Arrays.copyOf(raw, 20)), "s3a://b/y.nii.gz"));
        assertTrue(e.getMessage().startsWith("s3a://b/y.nii.gz"), e.getMessage());
    }

    @Test
    void readsWhatNiftiWriterWrites() throws Exception {
        double[][] aff = {{0, 0, -0.8, 100}, {0, -0.8, 0, 50}, {-3, 0, 0, 20}, {0, 0, 0, 1}};
        renalseg.volume.Geometry g = new renalseg.volume.Geometry(3, 2, 2, new double[] {3, 0.8, 0.8}, aff);
        float[] v = {-1024, -200, 0, 1, 40, 500, 3071, -5, 7, 8, 9, 10};
        Path p = dir.resolve("w.nii.gz");
        NiftiWriter.write(p, new ImageVolume(g, v), NiftiDatatype.INT16);
        NiftiImage img = NiftiReader.read(p);
        assertArrayEquals(v, img.volume().voxels());
        assertAffine(aff, img.header().affine());
        assertEquals("IPL", img.header().axcodes());
    }

    static void assertAffine(double[][] expect, double[][] got) {
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                assertEquals(expect[r][c], got[r][c], 1e-6, "affine[" + r + "][" + c + "] of "
                    + Arrays.deepToString(got));
            }
        }
    }
}
