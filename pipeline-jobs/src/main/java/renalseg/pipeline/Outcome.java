package renalseg.pipeline;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;
import renalseg.tables.FailureRow;

/**
 * What one unit of per-case work gave: output rows, or a failure row (case_id, error_type, message).
 * Plain mutable fields: Kryo serializes it without constructor tricks.
 */
public final class Outcome implements Serializable {
    private static final long serialVersionUID = 1L;

    public List<Row> rows;
    public Row failure;

    public static Outcome ok(List<Row> rows) {
        Outcome o = new Outcome();
        // a plain ArrayList: Kryo cannot rebuild List.of(...)'s immutable classes
        o.rows = new java.util.ArrayList<>(rows);
        return o;
    }

    public static Outcome failed(String caseId, Throwable error) {
        Outcome o = new Outcome();
        o.rows = new java.util.ArrayList<>();
        o.failure = new FailureRow(caseId, null, errorType(error), message(error)).toPartRow();
        return o;
    }

    public boolean isFailure() {
        return failure != null;
    }

    static String errorType(Throwable e) {
        return e.getClass().getSimpleName();
    }

    /** The message, with the root cause's when it says something the outer one does not. */
    static String message(Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !msg.contains(root.getMessage())) {
            msg = msg + " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return msg.length() > 2000 ? msg.substring(0, 2000) + "..." : msg;
    }
}
