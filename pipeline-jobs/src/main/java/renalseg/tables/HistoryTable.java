package renalseg.tables;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import renalseg.training.HistoryRow;

/**
 * {@code history} and {@code localizer_history} (train): one {@link HistoryRow} per logged iteration. The
 * row type is the training library's (no Spark there); its Spark mapping lives here.
 */
public final class HistoryTable {

    public static final StructType SCHEMA = new StructType()
        .add("round", DataTypes.IntegerType, false)
        .add("iteration", DataTypes.LongType, false)
        .add("loss", DataTypes.DoubleType, false)
        .add("learning_rate", DataTypes.DoubleType, false)
        .add("samples_per_s", DataTypes.DoubleType, false)
        .add("time_s", DataTypes.DoubleType, false);

    public static final Table<HistoryRow> FINE = new Table<>("history", SCHEMA, HistoryTable::from);
    public static final Table<HistoryRow> LOCALIZER = new Table<>("localizer_history", SCHEMA, HistoryTable::from);

    private HistoryTable() {
    }

    public static Row toRow(HistoryRow h) {
        return RowFactory.create(h.round(), h.iteration(), h.loss(), h.learningRate(), h.samplesPerS(), h.timeS());
    }

    /** Missing speed or time (a table written before they existed) read as NaN. */
    public static HistoryRow from(Row r) {
        Double sps = Cols.dblOrNull(r, "samples_per_s");
        Double t = Cols.dblOrNull(r, "time_s");
        return new HistoryRow(Cols.integer(r, "round"), Cols.lng(r, "iteration"), Cols.dbl(r, "loss"),
            Cols.dbl(r, "learning_rate"), sps == null ? Double.NaN : sps, t == null ? Double.NaN : t);
    }
}
