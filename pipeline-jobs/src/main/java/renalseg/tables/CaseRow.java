package renalseg.tables;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A row of {@code cases} (ingest): where a case's files are, what their headers say, its split
 * ({@code train}, {@code test}, or null for an unlabelled case) and {@code status} ({@code ok} or
 * {@code failed}; a failed case keeps its URIs and has null header columns).
 */
public record CaseRow(String caseId, String imageUri, String labelUri, int[] shape, double[] spacing,
                      String orientation, String datatype, Long bytes, boolean labelled, String split, String status)
    implements java.io.Serializable {

    public static final StructType SCHEMA = new StructType()
        .add("case_id", DataTypes.StringType, false)
        .add("image_uri", DataTypes.StringType, false)
        .add("label_uri", DataTypes.StringType, true)
        .add("shape", DataTypes.createArrayType(DataTypes.IntegerType), true)
        .add("spacing", DataTypes.createArrayType(DataTypes.DoubleType), true)
        .add("orientation", DataTypes.StringType, true)
        .add("datatype", DataTypes.StringType, true)
        .add("bytes", DataTypes.LongType, true)
        .add("labelled", DataTypes.BooleanType, false)
        .add("split", DataTypes.StringType, true)
        .add("status", DataTypes.StringType, false);

    public static final Table<CaseRow> TABLE = new Table<>("cases", SCHEMA, CaseRow::from);

    public Row toRow() {
        return RowFactory.create(caseId, imageUri, labelUri, Cols.boxed(shape), Cols.boxed(spacing), orientation,
            datatype, bytes, labelled, split, status);
    }

    public static CaseRow from(Row r) {
        return new CaseRow(Cols.str(r, "case_id"), Cols.str(r, "image_uri"), Cols.str(r, "label_uri"),
            Cols.ints(r, "shape"), Cols.doubles(r, "spacing"), Cols.str(r, "orientation"), Cols.str(r, "datatype"),
            Cols.has(r, "bytes") && Cols.get(r, "bytes") != null ? Cols.lng(r, "bytes") : null,
            Cols.has(r, "labelled") ? Cols.bool(r, "labelled") : Cols.str(r, "label_uri") != null,
            Cols.str(r, "split"), Cols.str(r, "status"));
    }

    public boolean ok() {
        return "ok".equals(status);
    }
}
