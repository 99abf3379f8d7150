package renalseg.cohort;

import renalseg.util.InputError;
import renalseg.volume.LabelVolume;

/** Maps KiTS21 labels (1 kidney, 2 tumor, 3 cyst) onto the classes the network learns (0, 1, 2). */
public final class KitsLabels {

    private KitsLabels() {
    }

    /**
     * Cyst (3) becomes kidney when {@code cystAsKidney} (KiTS21 counts cysts inside the kidney region),
     * else background; 0..2 stay; any other value is an error naming {@code what}. Returns {@code v}
     * itself when nothing changes.
     */
    public static LabelVolume toKits19(LabelVolume v, boolean cystAsKidney, String what) {
        byte[] l = v.labels();
        byte[] out = null;
        byte cyst = cystAsKidney ? LabelVolume.KIDNEY : LabelVolume.BACKGROUND;
        for (int i = 0; i < l.length; i++) {
            int x = l[i] & 0xff;
            if (x <= 2) {
                if (out != null) {
                    out[i] = l[i];
                }
            } else if (x == 3) {
                if (out == null) {
                    out = new byte[l.length];
                    System.arraycopy(l, 0, out, 0, i);
                }
                out[i] = cyst;
            } else {
                throw new InputError(what + ": unexpected label " + x
                    + " (expected 0 background, 1 kidney, 2 tumor, 3 cyst)");
            }
        }
        return out == null ? v : new LabelVolume(v.geometry(), out);
    }
}
