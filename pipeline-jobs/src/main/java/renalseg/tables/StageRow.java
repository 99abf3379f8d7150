package renalseg.tables;

import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A row of {@code stages}: when a stage ran, how long, how many cases it processed. Stored per stage under
 * {@code tables/stages/stage=S/} without the stage column, as {@link FailureRow}.
 */
public record StageRow(String stage, Instant startedAt, double seconds, long casesOk, long casesFailed)
    implements java.io.Serializable {

    public static final StructType PART_SCHEMA = new StructType()
        .add("started_at", DataTypes.TimestampType, false)
        .add("seconds", DataTypes.DoubleType, false)
        .add("cases_ok", DataTypes.LongType, false)
        .add("cases_failed", DataTypes.LongType, false);

    public static final Table<StageRow> TABLE = new Table<>("stages", PART_SCHEMA.add("stage", DataTypes.StringType),
        StageRow::from);

    public Row toPartRow() {
        return RowFactory.create(Timestamp.from(startedAt), seconds, casesOk, casesFailed);
    }

    public static StageRow from(Row r) {
        return new StageRow(Cols.str(r, "stage"), Cols.instant(r, "started_at"), Cols.dbl(r, "seconds"),
            Cols.lng(r, "cases_ok"), Cols.lng(r, "cases_failed"));
    }
}
