package renalseg.tables;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import renalseg.metrics.CohortSummary;
import renalseg.metrics.SummaryStatistics;

/**
 * A row of {@code summary} (evaluate): one line of {@link CohortSummary}. A statistic that does not exist
 * (the sd of one value, any statistic of no value; all but the mean of a detection rate) is null.
 */
public record SummaryRow(String region, String metric, long n, Double mean, Double sd, Double median, Double min,
                         Double max) implements java.io.Serializable {

    public static final StructType SCHEMA = new StructType()
        .add("region", DataTypes.StringType, false)
        .add("metric", DataTypes.StringType, false)
        .add("n", DataTypes.LongType, false)
        .add("mean", DataTypes.DoubleType, true)
        .add("sd", DataTypes.DoubleType, true)
        .add("median", DataTypes.DoubleType, true)
        .add("min", DataTypes.DoubleType, true)
        .add("max", DataTypes.DoubleType, true);

    public static final Table<SummaryRow> TABLE = new Table<>("summary", SCHEMA, SummaryRow::from);

    public static SummaryRow of(CohortSummary.Line l) {
        SummaryStatistics s = l.stats();
        return new SummaryRow(l.region(), l.metric(), s.n(), finite(s.mean()), finite(s.sd()), finite(s.median()),
            finite(s.min()), finite(s.max()));
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static double nan(Double v) {
        return v == null ? Double.NaN : v;
    }

    /** Back to the metrics package's statistics (null as NaN). */
    public SummaryStatistics stats() {
        return new SummaryStatistics((int) n, nan(mean), nan(sd), nan(median), nan(min), nan(max));
    }

    public Row toRow() {
        return RowFactory.create(region, metric, n, mean, sd, median, min, max);
    }

    public static SummaryRow from(Row r) {
        return new SummaryRow(Cols.str(r, "region"), Cols.str(r, "metric"), Cols.lng(r, "n"), Cols.dblOrNull(r, "mean"),
            Cols.dblOrNull(r, "sd"), Cols.dblOrNull(r, "median"), Cols.dblOrNull(r, "min"), Cols.dblOrNull(r, "max"));
    }
}
