package renalseg.tables;

import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A Parquet table of a run folder: its name under {@code tables/}, its layout and how a row becomes its
 * record (by column name). Declared once, beside the record type of its rows; see
 * {@link renalseg.pipeline.RunFolder#rows}.
 */
public record Table<T>(String name, StructType schema, Function<Row, T> reader) {
}
