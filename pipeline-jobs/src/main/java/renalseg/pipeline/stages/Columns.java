package renalseg.pipeline.stages;

import org.apache.spark.sql.Row;

/** Reading typed values from rows by column name. */
final class Columns {

    private Columns() {
    }

    static String str(Row r, String c) {
        return r.isNullAt(r.fieldIndex(c)) ? null : r.getString(r.fieldIndex(c));
    }

    static int i(Row r, String c) {
        return r.getInt(r.fieldIndex(c));
    }

    static long l(Row r, String c) {
        return r.getLong(r.fieldIndex(c));
    }

    static double d(Row r, String c) {
        return r.getDouble(r.fieldIndex(c));
    }

    static boolean b(Row r, String c) {
        return r.getBoolean(r.fieldIndex(c));
    }

    static byte[] bytes(Row r, String c) {
        return r.isNullAt(r.fieldIndex(c)) ? null : (byte[]) r.get(r.fieldIndex(c));
    }
}
