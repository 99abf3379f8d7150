package renalseg.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Hand-built NIfTI files for tests, written field by field at the offsets of nifti1.h / nifti2.h,
 * independently of {@link NiftiWriter}. Defaults: little endian NIfTI-1, 3-D, no sform/qform, no
 * scaling, vox_offset 352.
 */
public final class NiftiBytes {
    public int version = 1;
    public ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    public long[] dim = {3, 2, 2, 2, 1, 1, 1, 1};
    public int datatype = 2;
    public int bitpix = 8;
    public double[] pixdim = {1, 1, 1, 1, 1, 1, 1, 1};
    public long voxOffset = -1; // -1 = header size + 4
    public double slope = 1;
    public double inter = 0;
    public int qformCode = 0;
    public int sformCode = 0;
    public double[] quat = {0, 0, 0};
    public double[] qoffset = {0, 0, 0};
    public double[][] srow = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}};
    public String magic = null; // null = the right one for the version
    /** Voxel bytes, already in {@link #order}. */
    public byte[] data = new byte[8];

    public NiftiBytes dims(long... d) {
        dim = new long[] {d.length, 1, 1, 1, 1, 1, 1, 1};
        System.arraycopy(d, 0, dim, 1, d.length);
        return this;
    }

    /** Fills {@link #data} with values encoded as the given datatype (code) in {@link #order}. */
    public NiftiBytes values(int code, double... v) {
        datatype = code;
        int bytes = switch (code) {
            case 2, 256 -> 1;
            case 4, 512 -> 2;
            case 8, 16, 768 -> 4;
            case 64, 1024, 1280 -> 8;
            default -> throw new IllegalArgumentException("code " + code);
        };
        bitpix = bytes * 8;
        ByteBuffer b = ByteBuffer.allocate(v.length * bytes).order(order);
        for (double x : v) {
            switch (code) {
                case 2, 256 -> b.put((byte) (long) x);
                case 4, 512 -> b.putShort((short) (long) x);
                case 8, 768 -> b.putInt((int) (long) x);
                case 1024 -> b.putLong((long) x);
                case 1280 -> b.putLong(x >= 9.223372036854775807E18 ? (long) (x / 2) << 1 : (long) x);
                case 16 -> b.putFloat((float) x);
                case 64 -> b.putDouble(x);
                default -> throw new IllegalArgumentException();
            }
        }
        data = b.array();
        return this;
    }

    public byte[] bytes() {
        return version == 1 ? nifti1() : nifti2();
    }

    private byte[] nifti1() {
        long off = voxOffset < 0 ? 352 : voxOffset;
        ByteBuffer h = ByteBuffer.allocate((int) Math.max(off, 352)).order(order);
        h.putInt(0, 348);
        for (int i = 0; i < 8; i++) {
            h.putShort(40 + 2 * i, (short) dim[i]);
        }
        h.putShort(70, (short) datatype);
        h.putShort(72, (short) bitpix);
        for (int i = 0; i < 8; i++) {
            h.putFloat(76 + 4 * i, (float) pixdim[i]);
        }
        h.putFloat(108, off);
        h.putFloat(112, (float) slope);
        h.putFloat(116, (float) inter);
        h.putShort(252, (short) qformCode);
        h.putShort(254, (short) sformCode);
        for (int i = 0; i < 3; i++) {
            h.putFloat(256 + 4 * i, (float) quat[i]);
            h.putFloat(268 + 4 * i, (float) qoffset[i]);
        }
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                h.putFloat(280 + 16 * r + 4 * c, (float) srow[r][c]);
            }
        }
        byte[] m = (magic == null ? "n+1\0" : magic).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 4; i++) {
            h.put(344 + i, m[i]);
        }
        // bytes between the header and vox_offset: junk an offset-ignoring reader would take for voxels
        for (int i = 352; i < off; i++) {
            h.put(i, (byte) 0x5a);
        }
        return concat(h.array(), data);
    }

    private byte[] nifti2() {
        long off = voxOffset < 0 ? 544 : voxOffset;
        ByteBuffer h = ByteBuffer.allocate((int) Math.max(off, 544)).order(order);
        h.putInt(0, 540);
        byte[] m = (magic == null ? "n+2\0\r\n\032\n" : magic).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = 0; i < m.length; i++) {
            h.put(4 + i, m[i]);
        }
        h.putShort(12, (short) datatype);
        h.putShort(14, (short) bitpix);
        for (int i = 0; i < 8; i++) {
            h.putLong(16 + 8 * i, dim[i]);
            h.putDouble(104 + 8 * i, pixdim[i]);
        }
        h.putLong(168, off);
        h.putDouble(176, slope);
        h.putDouble(184, inter);
        h.putInt(344, qformCode);
        h.putInt(348, sformCode);
        for (int i = 0; i < 3; i++) {
            h.putDouble(352 + 8 * i, quat[i]);
            h.putDouble(376 + 8 * i, qoffset[i]);
        }
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                h.putDouble(400 + 32 * r + 8 * c, srow[r][c]);
            }
        }
        for (int i = 544; i < off; i++) {
            h.put(i, (byte) 0x5a);
        }
        return concat(h.array(), data);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public static byte[] gzip(byte[] raw) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
                gz.write(raw);
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path write(Path file) {
        try {
            byte[] raw = bytes();
            Files.write(file, file.toString().endsWith(".gz") ? gzip(raw) : raw);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
