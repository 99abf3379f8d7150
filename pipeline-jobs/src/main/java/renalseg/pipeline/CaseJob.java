package renalseg.pipeline;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;

/**
 * Per-case work over an RDD where one bad case never stops the others: each element's exception becomes
 * a failure row, every other element's output rows go on. Counts progress in an accumulator that
 * {@link StageProgress} reports from the driver. Each task first binds its native threads to its CPUs
 * ({@link TaskSlot}).
 */
public final class CaseJob {

    /** The work on one element; throws for a bad case. */
    public interface Work<I> extends java.io.Serializable {
        List<Row> apply(I input) throws Exception;
    }

    private CaseJob() {
    }

    /**
     * Maps {@code work} over {@code input}; the result is persisted (the two views below read it once).
     * {@code caseId} names the case of an element for its failure row.
     */
    public static <I> JavaRDD<Outcome> map(JavaRDD<I> input, Function<I, String> caseId, Work<I> work,
                                          LongAccumulator done) {
        JavaRDD<Outcome> out = input.mapPartitions((Iterator<I> it) -> {
            List<Outcome> res = new ArrayList<>();
            if (it.hasNext()) {
                TaskSlot.bind();
            }
            while (it.hasNext()) {
                I in = it.next();
                Outcome o;
                try {
                    o = Outcome.ok(work.apply(in));
                } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                    o = Outcome.failed(caseId.call(in), e);
                }
                res.add(o);
                if (done != null) {
                    done.add(1);
                }
            }
            return res.iterator();
        });
        return out.persist(StorageLevel.MEMORY_AND_DISK_SER());
    }

    public static JavaRDD<Row> rows(JavaRDD<Outcome> outcomes) {
        return outcomes.flatMap(o -> o.rows.iterator());
    }

    /**
     * The rows of one table when the work gives rows for two (told apart by their width: one read of each
     * case feeds both, as preprocess does with ROIs and coarse scans).
     */
    public static JavaRDD<Row> rows(JavaRDD<Outcome> outcomes, StructType schema) {
        int width = schema.size();
        return rows(outcomes).filter(r -> r.size() == width);
    }

    public static JavaRDD<Row> failures(JavaRDD<Outcome> outcomes) {
        return outcomes.filter(Outcome::isFailure).map(o -> o.failure);
    }
}
