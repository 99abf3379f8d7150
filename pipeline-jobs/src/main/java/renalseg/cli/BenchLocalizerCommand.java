package renalseg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import renalseg.localization.CoarseVolume;
import renalseg.localization.Localizer;
import renalseg.localization.LocalizerBenchmark;
import renalseg.localization.LocalizerSettings;
import renalseg.localization.LocalizerTrainer;
import renalseg.roi.RoiSettings;
import renalseg.synth.Phantom;
import renalseg.synth.PhantomGenerator;
import renalseg.synth.PhantomSize;
import renalseg.transforms.PreprocessSettings;
import renalseg.util.InputError;

/**
 * Kidney localizer benchmark on synthetic phantoms: trains a localizer on phantoms 0..train-1 (or loads
 * one with --checkpoint), then localizes phantoms train..train+cases-1 (never seen) and prints one JSON
 * line per case (recall, kidneys found, ROI share of the scan, seconds) and a summary line.
 */
@Command(name = "localizer", mixinStandardHelpOptions = true,
    description = "Localizer ROI recall and time per scan on held-out synthetic phantoms (JSON lines).")
public final class BenchLocalizerCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", description = "Localizer folder (or a checkpoint folder holding localizer/); "
        + "without it one is trained on --train phantoms.")
    Path checkpoint;

    @Option(names = "--save", description = "Folder to save the trained localizer in.")
    Path save;

    @Option(names = "--train", defaultValue = "6", description = "Training phantoms (default: ${DEFAULT-VALUE}).")
    int train;

    @Option(names = "--cases", defaultValue = "4", description = "Held-out phantoms (default: ${DEFAULT-VALUE}).")
    int cases;


    @CommandLine.Mixin
    PhantomOptions phantoms = new PhantomOptions("small", 20261126);

    @CommandLine.Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
        PhantomSize ps = phantoms.size();
        long seed = phantoms.seed();
        if (train < 1 || cases < 1) {
            throw new InputError("--train and --cases must be at least 1");
        }
        Config c = configOptions.load();
        RoiSettings roi = RoiSettings.from(c);
        PreprocessSettings pre = PreprocessSettings.from(c);
        LocalizerSettings ls = LocalizerSettings.from(c);
        ObjectMapper json = new ObjectMapper();
        Localizer loc;
        double trainSeconds = 0;
        if (checkpoint != null) {
            loc = Localizer.load(checkpoint);
        } else {
            List<CoarseVolume> coarse = new ArrayList<>();
            for (int i = 0; i < train; i++) {
                Phantom p = PhantomGenerator.generate(seed, i, ps);
                coarse.add(CoarseVolume.of(p.caseId(), p.image(), p.labels(), ls.spacingMm(), pre.window()));
            }
            long t0 = System.nanoTime();
            LocalizerTrainer t = LocalizerTrainer.start(ls, pre.window(), roi.padHu(), coarse);
            t.fitAll(r -> System.err.printf(Locale.ROOT, "bench localizer: iteration %d loss %.4f (%.0f s)%n",
                r.iteration(), r.loss(), r.timeS()));
            trainSeconds = (System.nanoTime() - t0) / 1e9;
            if (save != null) {
                t.save(save);
            }
            loc = t.localizer();
        }
        List<Map<String, Object>> rows = LocalizerBenchmark.run(loc, roi, seed, ps, train, cases);
        double minRecall = 1;
        double seconds = 0;
        for (Map<String, Object> r : rows) {
            System.out.println(json.writeValueAsString(r));
            minRecall = Math.min(minRecall, (Double) r.get("recall"));
            seconds += (Double) r.get("seconds");
        }
        Map<String, Object> sum = new LinkedHashMap<>();
        sum.put("summary", "localizer");
        sum.put("cases", rows.size());
        sum.put("min_recall", minRecall);
        sum.put("cases_recall_ge_0995", rows.stream().filter(r -> (Double) r.get("recall") >= 0.995).count());
        sum.put("mean_seconds_per_scan", seconds / rows.size());
        sum.put("train_seconds", trainSeconds);
        sum.put("spacing_mm", loc.meta().spacingMm());
        sum.put("margin_mm", loc.meta().marginMm());
        System.out.println(json.writeValueAsString(sum));
        return 0;
    }
}
