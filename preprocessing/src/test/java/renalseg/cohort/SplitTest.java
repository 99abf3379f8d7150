package renalseg.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import renalseg.config.RenalsegConfig;

class SplitTest {

    static List<CaseRef> cases(int labelled, int unlabelled) {
        List<CaseRef> out = new ArrayList<>();
        for (int i = 0; i < labelled + unlabelled; i++) {
            String id = String.format("case_%05d", i);
            out.add(new CaseRef(id, id + "/imaging.nii.gz", i < labelled ? id + "/segmentation.nii.gz" : null));
        }
        return out;
    }

    @Test
    void paperSplitIsDisjointReproducibleAndSeeded() {
        SplitSettings s = SplitSettings.from(RenalsegConfig.defaults());
        CohortSplit a = CohortSplit.of(cases(140, 5), s);
        assertEquals(50, a.test().size());
        assertEquals(90, a.train().size());
        Set<String> all = new HashSet<>(a.train());
        all.addAll(a.test());
        assertEquals(140, all.size()); // disjoint, unlabelled left out
        assertTrue(all.stream().allMatch(id -> Integer.parseInt(id.substring(5)) < 140));
        List<CaseRef> shuffled = new ArrayList<>(cases(140, 5));
        java.util.Collections.reverse(shuffled);
        assertEquals(a, CohortSplit.of(shuffled, s));
        assertNotEquals(a.test(), CohortSplit.of(cases(140, 5), new SplitSettings(7, 50, 0.35)).test());
    }

    @Test
    void smallCohortsUseTheFraction() {
        CohortSplit a = CohortSplit.of(cases(10, 0), SplitSettings.from(RenalsegConfig.defaults()));
        assertEquals(4, a.test().size()); // round(10 * 0.35)
        assertEquals(6, a.train().size());
    }
}
