package renalseg.tables;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Typed values of a row by column NAME, never by position: a table whose files have extra columns, or
 * columns in another order, reads the same. Nullable getters give null for a null value or a column the row
 * does not have (a run written before the column existed); required ones say which column is missing.
 * Integers are read as whatever width the files hold (Parquet does not widen int to long on read).
 */
public final class Cols {

    private Cols() {
    }

    public static boolean has(Row r, String c) {
        for (String f : r.schema().fieldNames()) {
            if (f.equals(c)) {
                return true;
            }
        }
        return false;
    }

    public static Object get(Row r, String c) {
        return has(r, c) ? r.get(r.fieldIndex(c)) : null;
    }

    private static Object required(Row r, String c) {
        Object o = get(r, c);
        if (o == null) {
            throw new IllegalArgumentException("column " + c + " is missing or null in " + r.schema().simpleString());
        }
        return o;
    }

    public static String str(Row r, String c) {
        Object o = get(r, c);
        return o == null ? null : o.toString();
    }

    public static int integer(Row r, String c) {
        return ((Number) required(r, c)).intValue();
    }

    public static long lng(Row r, String c) {
        return ((Number) required(r, c)).longValue();
    }

    public static double dbl(Row r, String c) {
        return ((Number) required(r, c)).doubleValue();
    }

    public static Double dblOrNull(Row r, String c) {
        return get(r, c) instanceof Number n ? n.doubleValue() : null;
    }

    public static boolean bool(Row r, String c) {
        return (Boolean) required(r, c);
    }

    public static Boolean boolOrNull(Row r, String c) {
        return get(r, c) instanceof Boolean b ? b : null;
    }

    public static byte[] bytes(Row r, String c) {
        return (byte[]) get(r, c);
    }

    public static double[] doubles(Row r, String c) {
        Object o = get(r, c);
        if (o == null) {
            return null;
        }
        List<Object> l = r.getList(r.fieldIndex(c));
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).doubleValue();
        }
        return out;
    }

    public static int[] ints(Row r, String c) {
        double[] d = doubles(r, c);
        if (d == null) {
            return null;
        }
        int[] out = new int[d.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) d[i];
        }
        return out;
    }

    public static Instant instant(Row r, String c) {
        Object o = get(r, c);
        return o instanceof Timestamp t ? t.toInstant() : o instanceof Instant i ? i : null;
    }

    /** Boxed copies for a Spark array column (Spark wants Object arrays in a Row). */
    public static Double[] boxed(double[] v) {
        if (v == null) {
            return null;
        }
        Double[] out = new Double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    public static Integer[] boxed(int[] v) {
        if (v == null) {
            return null;
        }
        Integer[] out = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
