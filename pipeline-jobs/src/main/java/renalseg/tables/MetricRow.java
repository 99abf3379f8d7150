package renalseg.tables;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import renalseg.metrics.RegionMetrics;

/**
 * A row of {@code metrics} (evaluate): one region of one case. The columns after {@code case_id} are
 * {@link RegionMetrics#COLUMNS}, so a metric added there is a column here without a change in this module.
 */
public record MetricRow(String caseId, RegionMetrics metrics) implements java.io.Serializable {

    public static final StructType SCHEMA = schema();

    public static final Table<MetricRow> TABLE = new Table<>("metrics", SCHEMA, MetricRow::from);

    private static StructType schema() {
        StructType s = new StructType().add("case_id", DataTypes.StringType, false);
        for (RegionMetrics.Column c : RegionMetrics.COLUMNS) {
            s = s.add(c.name(), sparkType(c.type()), c.nullable());
        }
        return s;
    }

    private static DataType sparkType(Class<?> t) {
        if (t == double.class || t == Double.class) {
            return DataTypes.DoubleType;
        }
        if (t == boolean.class || t == Boolean.class) {
            return DataTypes.BooleanType;
        }
        if (t == long.class || t == Long.class) {
            return DataTypes.LongType;
        }
        if (t == int.class || t == Integer.class) {
            return DataTypes.IntegerType;
        }
        if (t == String.class) {
            return DataTypes.StringType;
        }
        throw new IllegalStateException("RegionMetrics column of type " + t + " has no Parquet type here");
    }

    public Row toRow() {
        Object[] v = new Object[SCHEMA.size()];
        v[0] = caseId;
        int i = 1;
        for (Object o : metrics.toRow().values()) {
            v[i++] = o;
        }
        return RowFactory.create(v);
    }

    public static MetricRow from(Row r) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (RegionMetrics.Column c : RegionMetrics.COLUMNS) {
            values.put(c.name(), Cols.get(r, c.name()));
        }
        return new MetricRow(Cols.str(r, "case_id"), RegionMetrics.fromRow(values));
    }
}
