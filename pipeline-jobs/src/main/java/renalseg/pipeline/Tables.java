package renalseg.pipeline;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schemas of the tables that every stage shares. Column names follow the brief's contract (snake_case). */
public final class Tables {

    private Tables() {
    }

    /** Stored under tables/failures/stage=S/: the stage column comes from the folder name. */
    public static final StructType FAILURE_PART = new StructType()
        .add("case_id", DataTypes.StringType, false)
        .add("error_type", DataTypes.StringType, false)
        .add("message", DataTypes.StringType, false);

    /** Stored under tables/stages/stage=S/. */
    public static final StructType STAGE_PART = new StructType()
        .add("started_at", DataTypes.TimestampType, false)
        .add("seconds", DataTypes.DoubleType, false)
        .add("cases_ok", DataTypes.LongType, false)
        .add("cases_failed", DataTypes.LongType, false);
}
