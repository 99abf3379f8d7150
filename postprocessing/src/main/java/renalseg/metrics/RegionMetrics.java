package renalseg.metrics;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics of one region of one case (docs/metrics.md). Distances ({@code assdMm}, {@code assdVox},
 * {@code hd95Mm}, {@code hausdorffMm}) are null when the prediction or the truth is empty, and
 * {@code nullReason} then says which ("prediction empty", "truth empty", "both empty"); otherwise it is null.
 * {@code detected} and {@code falsePositive} are set on the tumor row only: {@code detected} is null when the
 * case has no true tumor (nothing to detect), {@code falsePositive} is true when a tumor is predicted and
 * none is true.
 *
 * <p>This record is the one declaration of a metric column: {@link #COLUMNS} (the {@code metrics} table's
 * layout, the {@code evaluate} command's JSON keys, the summary's metrics) is derived from its components,
 * so a new metric is a new component here and its computation in {@link SegmentationMetrics}.
 */
public record RegionMetrics(String region, double dice, Double assdMm, Double assdVox, Double hd95Mm,
                            Double hausdorffMm, double surfaceDice, double predMl, double truthMl,
                            String nullReason, Boolean detected, Boolean falsePositive)
    implements java.io.Serializable {

    /** A column of the metrics table: snake_case name, Java type, whether it may be null. */
    public record Column(String name, Class<?> type, boolean nullable) {

        /** A number summarized over the cohort (every double column). */
        public boolean numeric() {
            return type == double.class || type == Double.class;
        }
    }

    /** The columns in table order (without case_id, which the table adds). */
    public static final List<Column> COLUMNS = columns();

    private static List<Column> columns() {
        List<Column> out = new ArrayList<>();
        for (RecordComponent c : RegionMetrics.class.getRecordComponents()) {
            // a double may be null too: a value that is not finite is written as null (see toRow)
            out.add(new Column(snake(c.getName()), c.getType(), !c.getType().isPrimitive() || c.getType() == double.class));
        }
        return Collections.unmodifiableList(out);
    }

    static String snake(String camel) {
        StringBuilder b = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                b.append('_').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    /**
     * The values by column name, in {@link #COLUMNS} order. A value that is not finite is null: JSON has no
     * NaN (Jackson would write the string "NaN") and in Parquet a NaN would poison every mean a reader takes.
     */
    public Map<String, Object> toRow() {
        Map<String, Object> m = new LinkedHashMap<>();
        RecordComponent[] cs = RegionMetrics.class.getRecordComponents();
        for (int i = 0; i < cs.length; i++) {
            m.put(COLUMNS.get(i).name(), value(cs[i]));
        }
        return m;
    }

    /** The value of one column. */
    public Object get(String column) {
        RecordComponent[] cs = RegionMetrics.class.getRecordComponents();
        for (int i = 0; i < cs.length; i++) {
            if (COLUMNS.get(i).name().equals(column)) {
                return value(cs[i]);
            }
        }
        throw new IllegalArgumentException("no metric column " + column);
    }

    private Object value(RecordComponent c) {
        try {
            Object v = c.getAccessor().invoke(this);
            return v instanceof Double d ? finite(d) : v;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Back from column values by name (a missing column is null); the inverse of {@link #toRow()}. */
    public static RegionMetrics fromRow(Map<String, Object> row) {
        RecordComponent[] cs = RegionMetrics.class.getRecordComponents();
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            Object v = row.get(COLUMNS.get(i).name());
            types[i] = cs[i].getType();
            if (v instanceof Number n && (types[i] == double.class || types[i] == Double.class)) {
                v = n.doubleValue();
            }
            args[i] = v == null && types[i] == double.class ? Double.NaN : v;
        }
        try {
            return RegionMetrics.class.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("not a metrics row: " + row, e);
        }
    }

    /** The value, or null when it is null, NaN or infinite. */
    public static Double finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }
}
