package renalseg.report;

import java.util.List;
import renalseg.tables.FailureRow;
import renalseg.tables.LocalizationRow;
import renalseg.tables.MetricRow;
import renalseg.tables.StageRow;
import renalseg.tables.SummaryRow;
import renalseg.training.HistoryRow;

/**
 * Everything the report shows from a run folder, as plain records (read by {@link RunTables}, or built by
 * hand in tests). Missing tables are empty lists; {@code configText} is null when the run has none.
 */
public record StudyData(String runName, List<MetricRow> metrics, List<SummaryRow> summary, List<HistoryRow> history,
                        List<FailureRow> failures, List<StageRow> stages, List<CaseFiles> cases,
                        List<LocalizationRow> localizations, String configText) {

    public StudyData {
        metrics = List.copyOf(metrics);
        summary = List.copyOf(summary);
        history = List.copyOf(history);
        failures = List.copyOf(failures);
        stages = List.copyOf(stages);
        cases = List.copyOf(cases);
        localizations = List.copyOf(localizations);
    }
}
