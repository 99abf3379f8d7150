package renalseg.tables;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A row of {@code segmentations} (postprocess): where a case's label map was written and what it holds. */
public record SegmentationRow(String caseId, String uri, int rois, long kidneyVoxels, long tumorVoxels)
    implements java.io.Serializable {

    public static final StructType SCHEMA = new StructType()
        .add("case_id", DataTypes.StringType, false)
        .add("uri", DataTypes.StringType, false)
        .add("rois", DataTypes.IntegerType, false)
        .add("kidney_voxels", DataTypes.LongType, false)
        .add("tumor_voxels", DataTypes.LongType, false);

    public static final Table<SegmentationRow> TABLE = new Table<>("segmentations", SCHEMA, SegmentationRow::from);

    public Row toRow() {
        return RowFactory.create(caseId, uri, rois, kidneyVoxels, tumorVoxels);
    }

    public static SegmentationRow from(Row r) {
        return new SegmentationRow(Cols.str(r, "case_id"), Cols.str(r, "uri"), Cols.integer(r, "rois"),
            Cols.lng(r, "kidney_voxels"), Cols.lng(r, "tumor_voxels"));
    }
}
