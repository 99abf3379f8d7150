package renalseg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import renalseg.synth.Phantom;
import renalseg.synth.PhantomGenerator;
import renalseg.synth.PhantomSize;
import renalseg.synth.SyntheticCohort;
import renalseg.util.InputError;
import renalseg.util.Progress;

/** Writes a synthetic cohort in the KiTS19 layout; one JSON line per case on stdout. */
@Command(name = "synth", mixinStandardHelpOptions = true,
    description = {"Write a synthetic cohort in the KiTS19 layout (case_XXXXX/imaging.nii.gz, segmentation.nii.gz):",
        "plausible contrast-enhanced abdomens with two kidneys and, on most cases, a renal tumor.",
        "standard: varies like clinical cohorts: 512x512 over a 300-450 mm field of view, 0.5-5 mm slices,",
        "  30-600 slices (at most --max-slices), arterial / portal-venous / nephrographic phase, noise, build,",
        "  kidneys 80-280 ml at varied positions and rotations, tumors 1-300 ml (endophytic to exophytic),",
        "  cysts; files in IPL, RAS, LPS or LPI order, int16, uint16 (scl_inter -1024) or float32 images,",
        "  uint8 or float32 labels.",
        "small: 96x96x32 arterial-phase miniatures for tests (the anatomy shrunk to a 58-77 mm field of view),",
        "  stored as KiTS19 stores cases (int16, uint8, IPL)."})
public final class SynthCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "Output folder (created if missing).")
    Path out;

    @Option(names = "--cases", defaultValue = "10", description = "Number of cases (default: ${DEFAULT-VALUE}).")
    int cases;

    @Option(names = "--max-slices", defaultValue = "" + PhantomGenerator.DEFAULT_MAX_SLICES,
        description = "standard: the most slices per case, 30-600 (thin slices are drawn only where they fit; "
            + "default: ${DEFAULT-VALUE}).")
    int maxSlices;

    @Mixin
    PhantomOptions phantoms = new PhantomOptions("standard", 0);

    @Override
    public Integer call() throws Exception {
        PhantomSize ps = phantoms.size();
        long seed = phantoms.seed();
        if (cases < 1) {
            throw new InputError("--cases must be at least 1");
        }
        if (maxSlices < 30 || maxSlices > 600) {
            throw new InputError("--max-slices must be in 30..600, not " + maxSlices);
        }
        List<Phantom> written = SyntheticCohort.write(out, cases, seed, ps, maxSlices, new Progress("synth", cases));
        ObjectMapper json = new ObjectMapper();
        for (Phantom p : written) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("case_id", p.caseId());
            row.put("kidneys", p.kidneys());
            row.put("tumor", p.hasTumor());
            row.put("tumor_ml_drawn", Math.round(p.tumorMlDrawn() * 100) / 100.0);
            row.put("files", SyntheticCohort.variant(seed, Integer.parseInt(p.caseId().substring(5)), ps).toString());
            System.out.println(json.writeValueAsString(row));
        }
        System.err.println("synth: wrote " + cases + " " + ps.name().toLowerCase(Locale.ROOT) + " cases to " + out);
        return 0;
    }
}
