package renalseg.tables;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The one row of {@code normalization} (preprocess): the training ROIs' mean intensity and the HU window. */
public record NormalizationRow(double mean, double huMin, double huMax, long trainingRois)
    implements java.io.Serializable {

    public static final StructType SCHEMA = new StructType()
        .add("mean", DataTypes.DoubleType, false)
        .add("hu_min", DataTypes.DoubleType, false)
        .add("hu_max", DataTypes.DoubleType, false)
        .add("training_rois", DataTypes.LongType, false);

    public static final Table<NormalizationRow> TABLE = new Table<>("normalization", SCHEMA, NormalizationRow::from);

    public Row toRow() {
        return RowFactory.create(mean, huMin, huMax, trainingRois);
    }

    public static NormalizationRow from(Row r) {
        return new NormalizationRow(Cols.dbl(r, "mean"), Cols.dbl(r, "hu_min"), Cols.dbl(r, "hu_max"),
            Cols.lng(r, "training_rois"));
    }
}
