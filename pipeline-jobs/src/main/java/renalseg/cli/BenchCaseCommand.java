package renalseg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import renalseg.cohort.CaseReader;
import renalseg.cohort.CohortSettings;
import renalseg.networks.FcnPpm;
import renalseg.networks.ModelSpec;
import renalseg.pipeline.Checkpoints;
import renalseg.pipeline.Pipeline;
import renalseg.pipeline.PipelineContext;
import renalseg.pipeline.RunFolder;
import renalseg.pipeline.SparkSettings;
import renalseg.pipeline.Sparks;
import renalseg.pipeline.stages.PostprocessStage;
import renalseg.postprocessing.crf.CrfRefiner;
import renalseg.postprocessing.crf.CrfSettings;
import renalseg.roi.KidneyRoi;
import renalseg.roi.RoiCodec;
import renalseg.synth.Phantom;
import renalseg.synth.PhantomSize;
import renalseg.synth.SyntheticCohort;
import renalseg.training.Checkpoint;
import renalseg.training.TrainSettings;
import renalseg.training.TrainingPosition;
import renalseg.transforms.PreprocessSettings;

/**
 * {@code bench case}: one clinical-size case (a 512 x 512 x 100-300 phantom, or any cohort folder) through
 * every pipeline stage in local Spark with an untrained network of the chosen preset (weights do not change
 * the cost), one JSON line per stage with its seconds and peak memory, then a summary line.
 */
@Command(name = "case", mixinStandardHelpOptions = true,
    description = {"Run one clinical-size case through every stage (local Spark, untrained network: the cost, not the",
        "quality) and print a JSON line per stage: seconds, peak resident memory of the process during the stage",
        "(VmHWM, reset before each stage), peak JVM heap, load average. The host may be shared: see loadavg."})
public final class BenchCaseCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "bench-case", description = "Work folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--cohort", description = "A cohort folder to use instead of the synthetic clinical phantom.")
    String cohort;

    @Option(names = "--seed", defaultValue = "7", description = "Phantom seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    ModelOption model = new ModelOption();

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Files.createDirectories(out);
        String cohortUri = cohort;
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("bench", "case");
        if (cohortUri == null) {
            Path dir = out.resolve("cohort");
            long t0 = System.nanoTime();
            List<Phantom> ph = SyntheticCohort.write(dir, 1, seed, PhantomSize.CLINICAL);
            // the file's own header (KiTS19 layout: slices first)
            var h = renalseg.io.NiftiReader.readHeader(dir.resolve(ph.get(0).caseId()).resolve(SyntheticCohort.IMAGE));
            head.put("case", "synthetic clinical phantom, seed " + seed);
            head.put("shape", h.shape());
            head.put("spacing_mm", h.spacing());
            head.put("image_file_mb", BenchCommand.round(Files.size(dir.resolve(ph.get(0).caseId())
                .resolve(SyntheticCohort.IMAGE)) / 1048576.0));
            head.put("synth_s", BenchCommand.round((System.nanoTime() - t0) / 1e9));
            cohortUri = dir.toUri().toString();
        }
        Path ckpt = Files.createDirectories(out.resolve("pretrained"));
        ModelSpec spec = model.spec();
        Config base = configOptions.load(List.of());
        TrainSettings ts = TrainSettings.from(base);
        // an untrained network stands in for a trained one: the same arithmetic and memory
        new Checkpoint(FcnPpm.build(spec, ts.networkSetup()), spec, ts, 0.3, TrainingPosition.start(), List.of())
            .write(ckpt.resolve(Checkpoints.FINAL));
        // one case is one task at a time: local[1] gives that task every core (local[*] would give it 1/cores)
        List<String> overrides = new ArrayList<>(List.of("cohort.uri=\"" + cohortUri + "\"",
            "model.pretrained=\"" + ckpt.toUri() + "\"", "model.preset=\"" + model.name() + "\"", "roi.source=labels"));
        if (configOptions.sets.stream().noneMatch(x -> x.startsWith("spark.master"))) {
            overrides.add("spark.master=\"local[1]\"");
        }
        Config cfg = configOptions.load(overrides);
        head.put("model", spec.name());
        head.put("cores", Runtime.getRuntime().availableProcessors());
        head.put("loadavg_1m", BenchCommand.loadAverage());
        // the first read pays class loading and Hadoop's XML defaults; ingest's later ones are the second
        head.put("header_read_first_s", headerRead(cohortUri, cfg));
        head.put("header_read_s", headerRead(cohortUri, cfg));
        System.out.println(json.writeValueAsString(head));

        SparkSession spark = Sparks.session(SparkSettings.from(cfg, List.of()));
        try {
            RunFolder run = new RunFolder(out.resolve("run-" + System.currentTimeMillis()).toUri().toString(),
                spark.sparkContext().hadoopConfiguration());
            Pipeline pipeline = new Pipeline(new PipelineContext(spark, cfg, run, false));
            Map<String, Object> total = new LinkedHashMap<>();
            double sum = 0;
            long peakRss = 0;
            for (String stage : Pipeline.select(List.of())) {
                resetPeaks();
                double load0 = BenchCommand.loadAverage();
                Pipeline.Summary s = pipeline.run(List.of(stage), Set.of());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("stage", stage);
                double secs = s.seconds().getOrDefault(stage, 0.0);
                row.put("seconds", BenchCommand.round(secs));
                long rss = BenchCommand.statusKb("VmHWM");
                row.put("peak_rss_mb", rss / 1024);
                row.put("peak_heap_mb", peakHeapMb());
                row.put("cases_failed", s.casesFailed());
                row.put("loadavg_1m", new double[] {load0, BenchCommand.loadAverage()});
                System.out.println(json.writeValueAsString(row));
                sum += secs;
                peakRss = Math.max(peakRss, rss);
            }
            System.out.println(json.writeValueAsString(crfThreads(spark, run, cfg)));
            total.put("stage", "all");
            total.put("seconds", BenchCommand.round(sum));
            total.put("peak_rss_mb", peakRss / 1024);
            total.put("run", run.root());
            System.out.println(json.writeValueAsString(total));
        } finally {
            spark.stop();
        }
        return 0;
    }

    /**
     * The CRF on the case's largest ROI (its probabilities from infer) on 1 thread and on every core: seconds
     * of each and whether the labels are identical (they must be).
     */
    private static Map<String, Object> crfThreads(SparkSession spark, RunFolder run, Config cfg) {
        List<Row> rows = run.read(spark, "predictions").join(run.read(spark, "inference_rois")
            .select("roi_id", "roi", "spacing"), "roi_id").select("probabilities", "roi", "spacing").collectAsList();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("stage", "crf-threads");
        Row big = null;
        int bigN = -1;
        for (Row r : rows) {
            int len = ((byte[]) r.get(1)).length;
            if (!r.isNullAt(0) && len > bigN) {
                big = r;
                bigN = len;
            }
        }
        if (big == null) {
            row.put("skipped", "no probabilities (postprocess.crf.enabled = false)");
            return row;
        }
        KidneyRoi roi = RoiCodec.decode((byte[]) big.get(1));
        float[] probs = RoiCodec.decodeFloats((byte[]) big.get(0));
        float[] hu = renalseg.inferers.CaseSegmenter.hounsfield(roi, PreprocessSettings.from(cfg).window());
        List<Double> sp = big.getList(2);
        double[] spacing = {sp.get(0), sp.get(1), sp.get(2)};
        CrfSettings crf = CrfSettings.from(cfg);
        int classes = probs.length / hu.length;
        int cores = Runtime.getRuntime().availableProcessors();
        row.put("roi_shape", new int[] {roi.width(), roi.height(), roi.depth()});
        long t0 = System.nanoTime();
        byte[] one = CrfRefiner.refine(probs, hu, classes, roi.width(), roi.height(), roi.depth(), spacing, crf, 1);
        double s1 = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        byte[] all = CrfRefiner.refine(probs, hu, classes, roi.width(), roi.height(), roi.depth(), spacing, crf, cores);
        double sn = (System.nanoTime() - t0) / 1e9;
        row.put("threads", cores);
        row.put("seconds_1_thread", BenchCommand.round(s1));
        row.put("seconds_all_threads", BenchCommand.round(sn));
        row.put("speedup", BenchCommand.round(s1 / sn));
        row.put("identical_labels", java.util.Arrays.equals(one, all));
        row.put("loadavg_1m", BenchCommand.loadAverage());
        return row;
    }

    /** Seconds to read the image's and label map's headers through Hadoop, as ingest does (the first case). */
    private static double headerRead(String cohortUri, Config cfg) throws IOException {
        Path dir = Path.of(java.net.URI.create(cohortUri));
        Path caseDir;
        try (var s = Files.list(dir)) {
            caseDir = s.filter(Files::isDirectory).sorted().findFirst().orElse(null);
        }
        if (caseDir == null) {
            return -1;
        }
        CaseReader reader = new CaseReader(CohortSettings.from(cfg), HADOOP);
        long t0 = System.nanoTime();
        for (String f : List.of(SyntheticCohort.IMAGE, SyntheticCohort.LABELS)) {
            if (Files.exists(caseDir.resolve(f))) {
                reader.header(caseDir.resolve(f).toUri().toString());
            }
        }
        return BenchCommand.round((System.nanoTime() - t0) / 1e9);
    }

    private static final Configuration HADOOP = new Configuration();

    /** Resets the process's peak resident set (Linux: 5 > clear_refs) and the JVM heap pools' peaks. */
    private static void resetPeaks() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException notLinux) {
            // VmHWM then keeps the process's peak so far
        }
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    private static long peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum >> 20;
    }
}
