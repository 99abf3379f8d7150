package renalseg.tables;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A row of {@code coarse} (preprocess): a labelled training case's coarse whole scan, for the localizer. */
public record CoarseRow(String caseId, String split, int width, int height, int depth, byte[] coarse)
    implements java.io.Serializable {

    public static final StructType SCHEMA = new StructType()
        .add("case_id", DataTypes.StringType, false)
        .add("split", DataTypes.StringType, true)
        .add("width", DataTypes.IntegerType, false)
        .add("height", DataTypes.IntegerType, false)
        .add("depth", DataTypes.IntegerType, false)
        .add("coarse", DataTypes.BinaryType, false);

    public static final Table<CoarseRow> TABLE = new Table<>("coarse", SCHEMA, CoarseRow::from);

    public Row toRow() {
        return RowFactory.create(caseId, split, width, height, depth, coarse);
    }

    public static CoarseRow from(Row r) {
        return new CoarseRow(Cols.str(r, "case_id"), Cols.str(r, "split"), Cols.integer(r, "width"),
            Cols.integer(r, "height"), Cols.integer(r, "depth"), Cols.bytes(r, "coarse"));
    }
}
