package renalseg.tables;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A row of {@code localizations} (localize): what the localizer found in a case whose ROIs came from it,
 * its time, and the ROI recall (share of the true labelled voxels inside its ROIs; null without a label map).
 */
public record LocalizationRow(String caseId, String split, int kidneys, int rois, Double recall, double seconds,
                              String finding) implements java.io.Serializable {

    public static final StructType SCHEMA = new StructType()
        .add("case_id", DataTypes.StringType, false)
        .add("split", DataTypes.StringType, true)
        .add("kidneys", DataTypes.IntegerType, false)
        .add("rois", DataTypes.IntegerType, false)
        .add("recall", DataTypes.DoubleType, true)
        .add("seconds", DataTypes.DoubleType, false)
        .add("finding", DataTypes.StringType, false);

    public static final Table<LocalizationRow> TABLE = new Table<>("localizations", SCHEMA, LocalizationRow::from);

    public Row toRow() {
        return RowFactory.create(caseId, split, kidneys, rois, recall, seconds, finding);
    }

    public static LocalizationRow from(Row r) {
        return new LocalizationRow(Cols.str(r, "case_id"), Cols.str(r, "split"), Cols.integer(r, "kidneys"),
            Cols.integer(r, "rois"), Cols.dblOrNull(r, "recall"), Cols.dbl(r, "seconds"), Cols.str(r, "finding"));
    }
}
