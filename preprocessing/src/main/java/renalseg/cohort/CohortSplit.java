package renalseg.cohort;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A reproducible train/test split of the labelled cases: ids sorted, shuffled with the seed, the first
 * {@code testCases} are the test set (or round(n * testFraction) when testCases exceeds half the labelled
 * cases, so small cohorts still train). Unlabelled cases are in neither list (inference only).
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
        Collections.sort(ids);
        Collections.shuffle(ids, new Random(s.seed()));
        int n = ids.size();
        int k = s.testCases() <= n / 2 ? s.testCases() : (int) Math.round(n * s.testFraction());
        List<String> test = new ArrayList<>(ids.subList(0, k));
        List<String> train = new ArrayList<>(ids.subList(k, n));
        Collections.sort(test);
        Collections.sort(train);
        return new CohortSplit(train, test);
    }
}
