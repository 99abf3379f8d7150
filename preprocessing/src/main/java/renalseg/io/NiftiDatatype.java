package renalseg.io;

/** NIfTI datatype codes (nifti1.h) with the names nibabel prints. */
public enum NiftiDatatype {
    UINT8(2, 8, "uint8"),
    INT16(4, 16, "int16"),
    INT32(8, 32, "int32"),
    FLOAT32(16, 32, "float32"),
    FLOAT64(64, 64, "float64"),
    INT8(256, 8, "int8"),
    UINT16(512, 16, "uint16"),
    UINT32(768, 32, "uint32"),
    INT64(1024, 64, "int64"),
    UINT64(1280, 64, "uint64");

    public final int code;
    public final int bitpix;
    public final String label;

    NiftiDatatype(int code, int bitpix, String label) {
        this.code = code;
        this.bitpix = bitpix;
        this.label = label;
    }

    public int bytes() {
        return bitpix / 8;
    }

    /** " (name)" of a nifti1.h code this reader does not read (complex, RGB, ...), else "". */
    public static String unreadableName(int code) {
        String n = switch (code) {
            case 0 -> "unknown";
            case 1 -> "binary";
            case 32 -> "complex64";
            case 128 -> "RGB24";
            case 255 -> "all";
            case 1536 -> "float128";
            case 1792 -> "complex128";
            case 2048 -> "complex256";
            case 2304 -> "RGBA32";
            default -> null;
        };
        return n == null ? " (not a NIfTI datatype code)" : " (" + n + ")";
    }

    /** The datatype with this code, or null when the code is not one we read. */
    public static NiftiDatatype ofCode(int code) {
        for (NiftiDatatype t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
