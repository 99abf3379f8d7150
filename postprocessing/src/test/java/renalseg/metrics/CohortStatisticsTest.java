package renalseg.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import renalseg.roi.KidneySide;
import renalseg.roi.RoiBox;
import renalseg.roi.RoiPlacement;
import renalseg.volume.Geometry;
import renalseg.volume.LabelVolume;

/** The cohort statistics against hand-worked values. */
class CohortStatisticsTest {

    @Test
    void summaryStatisticsMatchHandWorkedValues() {
        SummaryStatistics s = SummaryStatistics.of(4, 1, 3, 2, Double.NaN);
        assertEquals(4, s.n());
        assertEquals(2.5, s.mean(), 1e-12);
        assertEquals(Math.sqrt(5.0 / 3.0), s.sd(), 1e-12); // squares 2.25+2.25+0.25+0.25 = 5 over n - 1 = 3
        assertEquals(2.5, s.median(), 1e-12);
        assertEquals(1, s.min());
        assertEquals(4, s.max());
        assertEquals(3, SummaryStatistics.of(5, 1, 3).median());
        assertTrue(Double.isNaN(SummaryStatistics.of(7).sd()), "one value has no sample sd");
        assertEquals(0, SummaryStatistics.of().n());
        assertTrue(Double.isNaN(SummaryStatistics.of().mean()));
        // nulls (distances of empty masks) are left out, not counted as 0
        SummaryStatistics boxed = SummaryStatistics.of(java.util.Arrays.asList(2.0, null, 4.0));
        assertEquals(2, boxed.n());
        assertEquals(3.0, boxed.mean(), 1e-12);
    }

    @Test
    void pooledDiceSumsOverRoisBeforeDividing() {
        List<byte[]> truths = List.of(new byte[] {1, 1, 2, 0}, new byte[] {0, 2, 2, 0});
        List<byte[]> preds = List.of(new byte[] {1, 0, 2, 2}, new byte[] {0, 2, 2, 1});
        PooledDice d = PooledDice.of(truths, preds);
        // kidney: truth 2, pred 2, both 1; tumor: truth 3, pred 4, both 3; kidney-or-tumor: truth 5, pred 6, both 4
        assertEquals(2.0 * 1 / 4, d.kidney(), 1e-12);
        assertEquals(2.0 * 3 / 7, d.tumor(), 1e-12);
        assertEquals(2.0 * 4 / 11, d.kidneyAndTumor(), 1e-12);
        assertEquals(2, d.rois());
        assertEquals(8, d.voxels());
        PooledDice empty = PooledDice.of(List.of(new byte[3]), List.of(new byte[3]));
        assertEquals(1.0, empty.tumor(), "absent from truth and prediction: 1");
        assertThrows(IllegalArgumentException.class, () -> PooledDice.of(List.of(new byte[2]), List.of(new byte[3])));
    }

    @Test
    void roiRecallAndCoverageCountVoxelsInsideTheBoxes() {
        Geometry g = Geometry.of(4, 4, 2, 1, 1, 1);
        byte[] lab = new byte[32];
        lab[g.index(0, 0, 0)] = 1;
        lab[g.index(1, 1, 0)] = 2;
        lab[g.index(3, 3, 1)] = 1;
        lab[g.index(2, 2, 1)] = 2;
        LabelVolume l = new LabelVolume(g, lab);
        List<RoiPlacement> box = List.of(new RoiPlacement(KidneySide.LEFT, new RoiBox(0, 0, 0, 2, 2, 2)));
        assertEquals(0.5, RoiRecall.recall(l, box), 1e-12); // (0,0,0) and (1,1,0) of four
        assertEquals(8.0 / 32, RoiRecall.coverage(l, box), 1e-12);
        assertEquals(1.0, RoiRecall.recall(LabelVolume.empty(g), box), "nothing to cover");
    }

    private static RegionMetrics tumor(double dice, double truthMl, double predMl, Boolean detected, Boolean fp) {
        return new RegionMetrics("tumor", dice, null, null, null, null, dice, predMl, truthMl, null, detected, fp);
    }

    private static RegionMetrics kidney(double dice, Double assd) {
        return new RegionMetrics("kidney", dice, assd, assd, assd, assd, dice, 150, 150, null, null, null);
    }

    private static SummaryStatistics stat(List<CohortSummary.Line> lines, String region, String metric) {
        return lines.stream().filter(l -> l.region().equals(region) && l.metric().equals(metric)).findFirst()
            .orElseThrow(() -> new AssertionError("no line " + region + " " + metric)).stats();
    }

    /** The demo's situation: its only tumor missed, two tumor-free cases with no predicted tumor. */
    @Test
    void tumorDiceIsOverCasesWithAReferenceTumor() {
        List<RegionMetrics> rows = List.of(
            tumor(0.0, 5.0, 0.0, false, false), tumor(1.0, 0, 0, null, false), tumor(1.0, 0, 0, null, false),
            kidney(0.9, 1.0), kidney(0.8, null), kidney(0.7, 3.0));
        List<CohortSummary.Line> lines = CohortSummary.of(rows);
        SummaryStatistics tumorDice = stat(lines, "tumor", "dice");
        assertEquals(1, tumorDice.n());
        assertEquals(0.0, tumorDice.mean(), 0.0, "the missed tumor, not (0 + 1 + 1) / 3");
        assertEquals(0.0, stat(lines, "tumor", "surface_dice").mean(), 0.0);
        SummaryStatistics all = stat(lines, "tumor", CohortSummary.DICE_ALL_CASES);
        assertEquals(3, all.n());
        assertEquals(2.0 / 3, all.mean(), 1e-12);
        // volumes are over every case
        assertEquals(3, stat(lines, "tumor", "truth_ml").n());
        assertEquals(5.0 / 3, stat(lines, "tumor", "truth_ml").mean(), 1e-12);
        SummaryStatistics k = stat(lines, "kidney", "dice");
        assertEquals(0.8, k.mean(), 1e-12);
        assertEquals(0.1, k.sd(), 1e-12); // squares 0.01 + 0 + 0.01 over 2
        assertEquals(0.8, k.median(), 1e-12);
        assertEquals(0.7, k.min(), 1e-12);
        assertEquals(0.9, k.max(), 1e-12);
        SummaryStatistics assd = stat(lines, "kidney", "assd_mm");
        assertEquals(2, assd.n(), "a null distance is left out");
        assertEquals(2.0, assd.mean(), 1e-12);
        assertEquals(0.0, stat(lines, "tumor", CohortSummary.DETECTION_SENSITIVITY).mean(), 0.0);
        assertEquals(1, stat(lines, "tumor", CohortSummary.DETECTION_SENSITIVITY).n());
        assertEquals(1.0, stat(lines, "tumor", CohortSummary.DETECTION_SPECIFICITY).mean(), 0.0);
        assertEquals(2, stat(lines, "tumor", CohortSummary.DETECTION_SPECIFICITY).n());
        // every numeric column of a region, in table order
        assertEquals(List.of("dice", "assd_mm", "assd_vox", "hd95_mm", "hausdorff_mm", "surface_dice", "pred_ml",
            "truth_ml"), CohortSummary.metrics());
    }

    @Test
    void metricColumnsComeFromTheRecordAndRoundTrip() {
        assertEquals(List.of("region", "dice", "assd_mm", "assd_vox", "hd95_mm", "hausdorff_mm", "surface_dice",
            "pred_ml", "truth_ml", "null_reason", "detected", "false_positive"),
            RegionMetrics.COLUMNS.stream().map(RegionMetrics.Column::name).toList());
        RegionMetrics m = new RegionMetrics("tumor", 0.5, null, 1.5, 2.5, 3.5, 0.25, 1.0, 2.0, "prediction empty",
            Boolean.TRUE, null);
        Map<String, Object> row = m.toRow();
        assertEquals(0.5, row.get("dice"));
        assertNull(row.get("assd_mm"));
        assertEquals("prediction empty", row.get("null_reason"));
        assertEquals(m, RegionMetrics.fromRow(row));
        assertEquals(2.5, m.get("hd95_mm"));
    }
}
