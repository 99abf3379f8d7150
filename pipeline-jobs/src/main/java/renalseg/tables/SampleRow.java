package renalseg.tables;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import renalseg.augment.SampleRecord;

/** A row of {@code samples} (augment): sample number n of the manifest and how to cut it. */
public record SampleRow(long sample, SampleRecord record) implements java.io.Serializable {

    public static final StructType SCHEMA = new StructType()
        .add("sample", DataTypes.LongType, false)
        .add("roi_id", DataTypes.StringType, false)
        .add("z0", DataTypes.IntegerType, false)
        .add("y0", DataTypes.IntegerType, false)
        .add("x0", DataTypes.IntegerType, false)
        .add("flip_z", DataTypes.BooleanType, false)
        .add("flip_y", DataTypes.BooleanType, false)
        .add("flip_x", DataTypes.BooleanType, false)
        .add("seed", DataTypes.LongType, false);

    public static final Table<SampleRow> TABLE = new Table<>("samples", SCHEMA, SampleRow::from);

    public Row toRow() {
        SampleRecord s = record;
        return RowFactory.create(sample, s.roiId(), s.z0(), s.y0(), s.x0(), s.flipZ(), s.flipY(), s.flipX(), s.seed());
    }

    public static SampleRow from(Row r) {
        return new SampleRow(Cols.lng(r, "sample"), new SampleRecord(Cols.str(r, "roi_id"), Cols.integer(r, "z0"),
            Cols.integer(r, "y0"), Cols.integer(r, "x0"), Cols.bool(r, "flip_z"), Cols.bool(r, "flip_y"),
            Cols.bool(r, "flip_x"), Cols.lng(r, "seed")));
    }
}
