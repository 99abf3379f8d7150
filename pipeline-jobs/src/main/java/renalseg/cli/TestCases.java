package renalseg.cli;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.SparkSession;
import renalseg.pipeline.RunFolder;

/**
 * How many labelled cases a run has, how many became test cases and how many reached metrics: a run with
 * labelled cases and no valid test case must not end as a success with a summary of n = 0.
 *
 * @param labelled  labelled cases listed by ingest (-1: no cases table)
 * @param test      test cases after the split (-1: no rois table yet)
 * @param evaluated cases with metric rows (-1: evaluate not part of this run or no metrics table)
 */
record TestCases(long labelled, long test, long evaluated) {

    /** Counted when the run includes evaluate (a run of the first stages alone may train on every case). */
    static TestCases of(SparkSession spark, RunFolder run, boolean evaluate) {
        if (!evaluate) {
            return new TestCases(-1, -1, -1);
        }
        long labelled = run.tableComplete("cases")
            ? run.read(spark, "cases").where(col("labelled")).count() : -1;
        long test = run.tableComplete("rois")
            ? run.read(spark, "rois").where(col("split").equalTo("test")).select("case_id").distinct().count() : -1;
        long evaluated = run.tableComplete("metrics")
            ? run.read(spark, "metrics").select("case_id").distinct().count() : -1;
        return new TestCases(labelled, test, evaluated);
    }

    /** The message when there is no valid test case, else null. */
    String noValidTestCase() {
        if (labelled <= 0) {
            return null; // an unlabelled cohort (segmentation only) has no test set by design
        }
        if (test == 0) {
            return "no valid test case: none of the " + labelled + " labelled case(s) passed ingest and preprocess "
                + "into the test set";
        }
        if (evaluated == 0) {
            return "no valid test case: none of the " + test + " test case(s) reached metrics";
        }
        return null;
    }
}
