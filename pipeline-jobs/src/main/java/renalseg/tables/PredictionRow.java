package renalseg.tables;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A row of {@code predictions} (infer): one ROI's voted labels (RoiCodec bytes), its class probabilities
 * (only when the CRF needs them, else null) and where they were computed: the executor's JVM, its Spark
 * executor id and the GPU address Spark gave the task (null without GPUs).
 */
public record PredictionRow(String roiId, String caseId, byte[] labels, byte[] probabilities, String executor,
                            String executorId, String gpu)
    implements java.io.Serializable {

    public static final StructType SCHEMA = new StructType()
        .add("roi_id", DataTypes.StringType, false)
        .add("case_id", DataTypes.StringType, false)
        .add("labels", DataTypes.BinaryType, false)
        .add("probabilities", DataTypes.BinaryType, true)
        .add("executor", DataTypes.StringType, false)
        .add("executor_id", DataTypes.StringType, false)
        .add("gpu", DataTypes.StringType, true);

    public static final Table<PredictionRow> TABLE = new Table<>("predictions", SCHEMA, PredictionRow::from);

    public Row toRow() {
        return RowFactory.create(roiId, caseId, labels, probabilities, executor, executorId, gpu);
    }

    public static PredictionRow from(Row r) {
        return new PredictionRow(Cols.str(r, "roi_id"), Cols.str(r, "case_id"), Cols.bytes(r, "labels"),
            Cols.bytes(r, "probabilities"), Cols.str(r, "executor"),
            Cols.str(r, "executor_id"), Cols.str(r, "gpu"));
    }
}
