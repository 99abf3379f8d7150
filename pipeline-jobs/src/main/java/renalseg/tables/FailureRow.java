package renalseg.tables;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A row of {@code failures}: a case a stage could not process, and why. Each stage writes its part under
 * {@code tables/failures/stage=S/} without the stage column ({@link #PART_SCHEMA}); reading the whole table
 * adds {@code stage} from the folder names.
 */
public record FailureRow(String caseId, String stage, String errorType, String message)
    implements java.io.Serializable {

    public static final StructType PART_SCHEMA = new StructType()
        .add("case_id", DataTypes.StringType, false)
        .add("error_type", DataTypes.StringType, false)
        .add("message", DataTypes.StringType, false);

    public static final Table<FailureRow> TABLE = new Table<>("failures",
        PART_SCHEMA.add("stage", DataTypes.StringType), FailureRow::from);

    /** The row of a stage's part (no stage column). */
    public Row toPartRow() {
        return RowFactory.create(caseId, errorType, message);
    }

    public static FailureRow from(Row r) {
        return new FailureRow(Cols.str(r, "case_id"), Cols.str(r, "stage"), Cols.str(r, "error_type"),
            Cols.str(r, "message"));
    }
}
