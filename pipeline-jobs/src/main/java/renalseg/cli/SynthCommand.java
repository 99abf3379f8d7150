package renalseg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import renalseg.synth.Phantom;
import renalseg.synth.PhantomSize;
import renalseg.synth.SyntheticCohort;
import renalseg.util.InputError;
import renalseg.util.Progress;

/** Writes a synthetic cohort in the KiTS19 layout; one JSON line per case on stdout. */
@Command(name = "synth", mixinStandardHelpOptions = true,
    description = {"Write a synthetic cohort in the KiTS19 layout (case_XXXXX/imaging.nii.gz, segmentation.nii.gz):",
        "plausible arterial-phase abdomens with two kidneys and, on most cases, a renal tumor.",
        "standard: 320x320 in-plane at 0.6-0.8 mm, 1-5 mm slices, kidneys 100-250 ml, tumors 2-150 ml.",
        "small: 96x96x32 miniatures for tests (the same anatomy shrunk to a 58-77 mm field of view)."})
public final class SynthCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "Output folder (created if missing).")
    Path out;

    @Option(names = "--cases", defaultValue = "10", description = "Number of cases (default: ${DEFAULT-VALUE}).")
    int cases;

    @Option(names = "--seed", defaultValue = "0", description = "Seed; the same seed gives the same cohort (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "standard", description = "small | standard | clinical (512 x 512 x 100-300) (default: ${DEFAULT-VALUE}).")
    String size;

    @Override
    public Integer call() throws Exception {
        PhantomSize ps = PhantomSize.parse(size);
        if (cases < 1) {
            throw new InputError("--cases must be at least 1");
        }
        List<Phantom> written = SyntheticCohort.write(out, cases, seed, ps, new Progress("synth", cases));
        ObjectMapper json = new ObjectMapper();
        for (Phantom p : written) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("case_id", p.caseId());
            row.put("kidneys", p.kidneys());
            row.put("tumor", p.hasTumor());
            row.put("tumor_ml_drawn", Math.round(p.tumorMlDrawn() * 100) / 100.0);
            System.out.println(json.writeValueAsString(row));
        }
        System.err.println("synth: wrote " + cases + " " + ps.name().toLowerCase(Locale.ROOT) + " cases to " + out);
        return 0;
    }
}
