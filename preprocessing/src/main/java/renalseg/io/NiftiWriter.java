package renalseg.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import renalseg.volume.Geometry;
import renalseg.volume.ImageVolume;
import renalseg.volume.LabelVolume;

/**
 * Writes single-file NIfTI-1 ({@code .nii} or {@code .nii.gz}, little endian) with the grid's affine in
 * both the sform and the qform (codes 1, scanner), so that nibabel, ITK-SNAP and 3D Slicer place the
 * volume where it came from.
 */
public final class NiftiWriter {

    private static final int HEADER_SIZE = 348;
    private static final int VOX_OFFSET = 352;
    private static final int CHUNK_VOXELS = 1 << 16;

    private NiftiWriter() {
    }

    /** Labels as uint8. */
    /** Written beside and moved into place ({@link AtomicFiles}): a reader never sees half of it. */
    public static void write(Path path, LabelVolume labels) throws IOException {
        writeFile(path, out -> write(out, labels));
    }

    public static void write(OutputStream out, LabelVolume labels) throws IOException {
        writeHeader(out, labels.geometry(), NiftiDatatype.UINT8, "renalseg labels");
        out.write(labels.labels());
        out.flush();
    }

    /** An image as int16 (values rounded and clamped, as CT in HU is stored) or float32. */
    public static void write(Path path, ImageVolume image, NiftiDatatype type) throws IOException {
        writeFile(path, out -> write(out, image, type));
    }

    public static void write(OutputStream out, ImageVolume image, NiftiDatatype type) throws IOException {
        if (type != NiftiDatatype.INT16 && type != NiftiDatatype.FLOAT32) {
            throw new IllegalArgumentException("images are written as int16 or float32, not " + type.label);
        }
        write(out, image, type, 1, 0);
    }

    /**
     * An image as int16, uint16 or float32 with scl_slope / scl_inter: stored = (value - inter) / slope,
     * rounded and clamped for the integer types (scanners write CT as uint16 with slope 1, inter -1024).
     */
    public static void write(OutputStream out, ImageVolume image, NiftiDatatype type, double slope, double inter)
        throws IOException {
        if (type != NiftiDatatype.INT16 && type != NiftiDatatype.UINT16 && type != NiftiDatatype.FLOAT32) {
            throw new IllegalArgumentException("images are written as int16, uint16 or float32, not " + type.label);
        }
        if (!(slope != 0) || !Double.isFinite(slope) || !Double.isFinite(inter)) {
            throw new IllegalArgumentException("scl_slope must be finite and non-zero, scl_inter finite");
        }
        writeHeader(out, image.geometry(), type, "renalseg image", slope, inter);
        float[] v = image.voxels();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_VOXELS * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < v.length; start += CHUNK_VOXELS) {
            int end = Math.min(v.length, start + CHUNK_VOXELS);
            buf.clear();
            for (int i = start; i < end; i++) {
                double x = (v[i] - inter) / slope;
                if (type == NiftiDatatype.INT16) {
                    long r = Math.round(x);
                    buf.putShort((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, r)));
                } else if (type == NiftiDatatype.UINT16) {
                    buf.putShort((short) Math.max(0, Math.min(0xffff, Math.round(x))));
                } else {
                    buf.putFloat((float) x);
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
        out.flush();
    }

    /** Labels as float32 (as some tools save segmentations: 0.0, 1.0, 2.0). */
    public static void writeFloat(OutputStream out, LabelVolume labels) throws IOException {
        writeHeader(out, labels.geometry(), NiftiDatatype.FLOAT32, "renalseg labels", 1, 0);
        byte[] l = labels.labels();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_VOXELS * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < l.length; start += CHUNK_VOXELS) {
            int end = Math.min(l.length, start + CHUNK_VOXELS);
            buf.clear();
            for (int i = start; i < end; i++) {
                buf.putFloat(l[i] & 0xff);
            }
            out.write(buf.array(), 0, buf.position());
        }
        out.flush();
    }

    /** Opens {@code path} for writing, gzipped when the name ends in {@code .gz}; parents are created. */
    /** {@code path} written whole through {@code body} (gzipped when the name ends in .gz), or not at all. */
    public static void writeFile(Path path, AtomicFiles.Body body) throws IOException {
        AtomicFiles.write(path, raw -> {
            OutputStream b = new BufferedOutputStream(raw, 1 << 16);
            OutputStream out = path.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(b, 1 << 16) : b;
            body.write(out);
            out.close();
        });
    }

    public static OutputStream open(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
        return path.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
    }

    static void writeHeader(OutputStream out, Geometry g, NiftiDatatype type, String description)
        throws IOException {
        writeHeader(out, g, type, description, 1, 0);
    }

    static void writeHeader(OutputStream out, Geometry g, NiftiDatatype type, String description, double slope,
                            double inter) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(VOX_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0, HEADER_SIZE);
        h.put(38, (byte) 'r'); // "regular", as nibabel writes it
        short[] dim = {3, (short) g.nx(), (short) g.ny(), (short) g.nz(), 1, 1, 1, 1};
        if (g.nx() > Short.MAX_VALUE || g.ny() > Short.MAX_VALUE || g.nz() > Short.MAX_VALUE) {
            throw new IllegalArgumentException("NIfTI-1 dimensions are at most 32767: " + g);
        }
        for (int i = 0; i < 8; i++) {
            h.putShort(40 + 2 * i, dim[i]);
        }
        h.putShort(70, (short) type.code);
        h.putShort(72, (short) type.bitpix);
        Quatern q = Quatern.of(g.affine());
        double[] sp = g.spacing();
        float[] pixdim = {(float) q.qfac(), (float) sp[0], (float) sp[1], (float) sp[2], 1, 1, 1, 1};
        for (int i = 0; i < 8; i++) {
            h.putFloat(76 + 4 * i, pixdim[i]);
        }
        h.putFloat(108, VOX_OFFSET);
        h.putFloat(112, (float) slope); // scl_slope
        h.putFloat(116, (float) inter); // scl_inter
        h.put(123, (byte) (2 | 8)); // mm, seconds
        byte[] desc = description.getBytes(StandardCharsets.US_ASCII);
        h.put(148, desc, 0, Math.min(desc.length, 79));
        h.putShort(252, (short) 1); // qform_code: scanner
        h.putShort(254, (short) 1); // sform_code: scanner
        h.putFloat(256, (float) q.b());
        h.putFloat(260, (float) q.c());
        h.putFloat(264, (float) q.d());
        double[][] a = g.affine();
        h.putFloat(268, (float) a[0][3]);
        h.putFloat(272, (float) a[1][3]);
        h.putFloat(276, (float) a[2][3]);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                h.putFloat(280 + 16 * r + 4 * c, (float) a[r][c]);
            }
        }
        h.put(344, (byte) 'n');
        h.put(345, (byte) '+');
        h.put(346, (byte) '1');
        h.put(347, (byte) 0);
        // bytes 348-351: empty extension flag
        out.write(h.array());
    }
}
