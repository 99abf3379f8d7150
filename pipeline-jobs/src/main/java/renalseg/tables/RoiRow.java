package renalseg.tables;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A row of {@code rois} (preprocess: ROIs cut by the label maps) and of {@code inference_rois} (localize:
 * the ROIs to segment), one kidney ROI each: its box in the canonical volume, the voxel spacing, label
 * counts, the intensity sum and count (for the training mean), the RoiCodec bytes, and where the box came
 * from ({@code roi_source}: {@code labels} or {@code localizer}).
 */
public record RoiRow(String roiId, String caseId, String side, String split, int x0, int y0, int z0, int width,
                     int height, int depth, double[] spacing, boolean labelled, long kidneyVoxels, long tumorVoxels,
                     double intensitySum, long intensityCount, byte[] roi, String roiSource)
    implements java.io.Serializable {

    public static final String FROM_LABELS = "labels";
    public static final String FROM_LOCALIZER = "localizer";

    public static final StructType SCHEMA = new StructType()
        .add("roi_id", DataTypes.StringType, false)
        .add("case_id", DataTypes.StringType, false)
        .add("side", DataTypes.StringType, false)
        .add("split", DataTypes.StringType, true)
        .add("x0", DataTypes.IntegerType, false)
        .add("y0", DataTypes.IntegerType, false)
        .add("z0", DataTypes.IntegerType, false)
        .add("width", DataTypes.IntegerType, false)
        .add("height", DataTypes.IntegerType, false)
        .add("depth", DataTypes.IntegerType, false)
        .add("spacing", DataTypes.createArrayType(DataTypes.DoubleType), false)
        .add("labelled", DataTypes.BooleanType, false)
        .add("kidney_voxels", DataTypes.LongType, false)
        .add("tumor_voxels", DataTypes.LongType, false)
        .add("intensity_sum", DataTypes.DoubleType, false)
        .add("intensity_count", DataTypes.LongType, false)
        .add("roi", DataTypes.BinaryType, false)
        .add("roi_source", DataTypes.StringType, false);

    public static final Table<RoiRow> ROIS = new Table<>("rois", SCHEMA, RoiRow::from);
    public static final Table<RoiRow> INFERENCE_ROIS = new Table<>("inference_rois", SCHEMA, RoiRow::from);

    public Row toRow() {
        return RowFactory.create(roiId, caseId, side, split, x0, y0, z0, width, height, depth, Cols.boxed(spacing),
            labelled, kidneyVoxels, tumorVoxels, intensitySum, intensityCount, roi, roiSource);
    }

    public static RoiRow from(Row r) {
        return new RoiRow(Cols.str(r, "roi_id"), Cols.str(r, "case_id"), Cols.str(r, "side"), Cols.str(r, "split"),
            Cols.integer(r, "x0"), Cols.integer(r, "y0"), Cols.integer(r, "z0"), Cols.integer(r, "width"),
            Cols.integer(r, "height"), Cols.integer(r, "depth"), Cols.doubles(r, "spacing"), Cols.bool(r, "labelled"),
            Cols.lng(r, "kidney_voxels"), Cols.lng(r, "tumor_voxels"), Cols.dbl(r, "intensity_sum"),
            Cols.lng(r, "intensity_count"), Cols.bytes(r, "roi"), Cols.str(r, "roi_source"));
    }
}
