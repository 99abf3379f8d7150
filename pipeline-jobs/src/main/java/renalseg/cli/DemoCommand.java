package renalseg.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import renalseg.config.RenalsegConfig;
import renalseg.synth.PhantomSize;
import renalseg.synth.SyntheticCohort;
import renalseg.util.InputError;
import renalseg.util.Progress;

/**
 * {@code renalseg demo}: a synthetic cohort through every stage on the embedded default (local Spark, CPU, the
 * small model; conf/demo.conf for SMALL phantoms, conf/standard.conf for standard-size ones), then where the
 * reports are.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Write a synthetic cohort and run every pipeline stage on it (local Spark, small model).",
        "--size small (default; conf/demo.conf): 16 miniature cases, 6 held out, a few minutes on 2 cores;",
        "--size standard (conf/standard.conf): 32 512 x 512 cases (8 held out) with mixed spacings, orientations and datatypes,",
        "resampled, the medium network; ~48 min on 2 idle cores.",
        "Prints where the tables, segmentations and report are."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "demo-out", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--cases", description = "Synthetic cases (default: 16 small, 32 standard).")
    Integer cases;

    @Mixin
    PhantomOptions phantomOptions = new PhantomOptions("small", 7);

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a configuration key (repeatable).")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PhantomSize phantoms = phantomOptions.size();
        long seed = phantomOptions.seed();
        boolean small = phantoms == PhantomSize.SMALL;
        int cases = this.cases != null ? this.cases : small ? 16 : 32;
        if (cases < 4) {
            throw new InputError("--cases must be at least 4 (the demo needs training and test cases)");
        }
        long t0 = System.nanoTime();
        Path cohort = out.resolve("cohort").toAbsolutePath();
        if (!Files.isDirectory(cohort.resolve(String.format("case_%05d", cases - 1)))) {
            SyntheticCohort.write(cohort, cases, seed, phantoms, new Progress("demo: synthetic cohort", cases));
        }
        Config demo = RenalsegConfig.parseResource(small ? "conf/demo.conf" : "conf/standard.conf");
        List<String> overrides = new ArrayList<>(sets);
        overrides.add("cohort.uri=\"" + cohort.toUri() + "\"");
        Config cfg = RenalsegConfig.parseOverrides(overrides).withFallback(demo)
            .withFallback(RenalsegConfig.defaults()).resolve();
        RenalsegConfig.check(RenalsegConfig.parseOverrides(sets), RenalsegConfig.defaults(), "--set");
        Path run = out.resolve("run").toAbsolutePath();
        int code = PipelineCommand.execute(cfg, run.toString(), cfg.getStringList("run.stages"), List.of(), List.of(), false);
        System.err.printf("demo: finished in %.0f s (exit %d)%n", (System.nanoTime() - t0) / 1e9, code);
        if (code == 0) {
            System.err.println("demo: report   " + run.resolve("report/index.html"));
            System.err.println("demo: tables   " + run.resolve("tables") + " (Parquet: metrics, summary, failures, ...)");
            System.err.println("demo: segmentations " + run.resolve("segmentations"));
            System.err.println("demo: networks " + run.resolve("checkpoints") + " (model.zip, localizer/): segment a new scan "
                + "with `renalseg segment --checkpoint " + run.resolve("checkpoints") + " --image FILE --out FILE`, a "
                + "cohort without labels with `renalseg pipeline --pretrained " + run.resolve("checkpoints")
                + " --cohort DIR`");
        }
        return code;
    }
}
