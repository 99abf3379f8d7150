package renalseg.cohort;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A reproducible train/test split of the labelled cases: ids sorted, shuffled with the seed, the first
 * {@code testCases} are the test set (or round(n * testFraction) when testCases exceeds half the labelled
 * cases, so small cohorts still train; never all of them). Unlabelled cases are in neither list (inference
 * only). The one split of the pipeline and of {@code train}.
 */
public record CohortSplit(List<String> train, List<String> test) implements java.io.Serializable {

    public CohortSplit {
        train = List.copyOf(train);
        test = List.copyOf(test);
    }

    public static CohortSplit of(List<CaseRef> cases, SplitSettings s) {
        List<String> ids = new ArrayList<>();
        for (CaseRef c : cases) {
            if (c.labelled()) {
                ids.add(c.caseId());
            }
        }
        return ofIds(ids, s);
    }

    /**
     * The split of these labelled case ids (callers pass the cases that passed their checks: the pipeline
     * after preprocess, {@code train} after reading them). At least one case trains when there is any.
     */
    public static CohortSplit ofIds(List<String> labelledIds, SplitSettings s) {
        List<String> ids = new ArrayList<>(new java.util.TreeSet<>(labelledIds));
        Collections.shuffle(ids, new Random(s.seed()));
        int n = ids.size();
        int k = s.testCases() <= n / 2 ? s.testCases() : (int) Math.round(n * s.testFraction());
        k = Math.max(0, Math.min(k, n - 1));
        List<String> test = new ArrayList<>(ids.subList(0, k));
        List<String> train = new ArrayList<>(ids.subList(k, n));
        Collections.sort(test);
        Collections.sort(train);
        return new CohortSplit(train, test);
    }
}
