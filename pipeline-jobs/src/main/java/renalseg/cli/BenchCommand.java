package renalseg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import renalseg.networks.FcnPpm;
import renalseg.networks.GradientWorkspaces;
import renalseg.networks.ModelSpec;
import renalseg.networks.Natives;
import renalseg.training.TrainSettings;
import renalseg.util.InputError;

/** Benchmarks; {@code bench model} times the network's forward pass and training step. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (JSON lines on stdout).",
    subcommands = {BenchCommand.Model.class, BenchLocalizerCommand.class, BenchCaseCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** Forward pass and training step of the 3D FCN-PPM, median of several after warm-up. */
    @Command(name = "model", mixinStandardHelpOptions = true,
        description = {"Time the network: forward (inference) and training step (forward + weighted loss +",
            "backward + SGD momentum update, the train section's settings) on random data. One JSON line per mode",
            "with the median/min/max seconds, voxels/s and the process's peak resident memory (VmHWM; ND4J's",
            "off-heap buffers count there, not in JavaCPP's counters). The host may be shared: see loadavg."})
    public static final class Model implements Callable<Integer> {

        @CommandLine.Mixin
        ModelOption model = new ModelOption();

        /** The train section (loss, updater, data type) of --config / --set over the defaults. */
        @CommandLine.Mixin
        ConfigOptions configOptions = new ConfigOptions();

        @Option(names = "--batch", defaultValue = "1", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--mode", defaultValue = "forward,train", split = ",",
            description = "forward, train or both (default: ${DEFAULT-VALUE}); run one per process for clean peaks.")
        List<String> modes;

        @Option(names = "--repeats", defaultValue = "5", description = "Timed runs (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--warmup", defaultValue = "2", description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--profile", description = "Also time each layer's forward and backward, summed per layer type.")
        boolean profile;

        @Option(names = "--no-helpers", description = "Run every layer without oneDNN (libnd4j's generic kernels).")
        boolean noHelpers;

        @Option(names = "--workspaces", defaultValue = "enabled",
            description = "DL4J workspace mode for training and inference: enabled (default) or none.")
        String workspaces;

        @Override
        public Integer call() throws Exception {
            if (noHelpers) {
                Nd4j.getEnvironment().allowHelpers(false);
            }
            if (batch < 1 || repeats < 1 || warmup < 0) {
                throw new InputError("--batch and --repeats must be >= 1, --warmup >= 0");
            }
            ModelSpec ms = model.spec();
            TrainSettings ts = TrainSettings.from(configOptions.load());
            ComputationGraph g = FcnPpm.build(ms, ts.networkSetup());
            org.deeplearning4j.nn.conf.WorkspaceMode wm = switch (workspaces.toLowerCase(java.util.Locale.ROOT)) {
                case "enabled" -> org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED;
                case "none" -> org.deeplearning4j.nn.conf.WorkspaceMode.NONE;
                default -> throw new InputError("--workspaces takes enabled or none, not " + workspaces);
            };
            g.getConfiguration().setTrainingWorkspaceMode(wm);
            g.getConfiguration().setInferenceWorkspaceMode(wm);
            int[] in = ms.input();
            Nd4j.getRandom().setSeed(1);
            INDArray x = Nd4j.randn(DataType.FLOAT, batch, ms.inChannels(), in[0], in[1], in[2]);
            INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, ms.classes(), in[0], in[1], in[2]);
            java.util.Random r = new java.util.Random(2);
            long vox = (long) in[0] * in[1] * in[2];
            float[] lab = new float[(int) (batch * ms.classes() * vox)];
            for (int b = 0; b < batch; b++) {
                for (long v = 0; v < vox; v++) {
                    lab[(int) ((b * ms.classes() + r.nextInt(ms.classes())) * vox + v)] = 1f;
                }
            }
            labels.assign(Nd4j.create(lab, labels.shape(), 'c'));
            DataSet ds = new DataSet(x, labels);
            ObjectMapper json = new ObjectMapper();
            for (String mode : modes) {
                Runnable step = switch (mode) {
                    case "forward" -> () -> g.outputSingle(false, x);
                    case "train" -> () -> {
                        GradientWorkspaces.releaseWhenConsumed(g); // as the Trainer does
                        g.fit(ds);
                    };
                    default -> throw new InputError("--mode takes forward and/or train, not " + mode);
                };
                double load0 = loadAverage();
                for (int i = 0; i < warmup; i++) {
                    step.run();
                }
                long peakWarm = statusKb("VmHWM");
                boolean steadyPeak = resetPeakRss();
                List<Double> times = new ArrayList<>();
                List<Double> cpu = new ArrayList<>();
                for (int i = 0; i < repeats; i++) {
                    long c0 = processCpuNanos();
                    long t0 = System.nanoTime();
                    step.run();
                    times.add((System.nanoTime() - t0) / 1e9);
                    cpu.add((processCpuNanos() - c0) / 1e9);
                }
                List<Double> sorted = new ArrayList<>(times);
                Collections.sort(sorted);
                double median = median(times);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("impl", "dl4j");
                row.put("config", ms.name());
                row.put("mode", mode);
                row.put("batch", batch);
                row.put("input_shape", new int[] {ms.inChannels(), in[0], in[1], in[2]});
                row.put("median_s", round(median));
                row.put("min_s", round(sorted.get(0)));
                row.put("max_s", round(sorted.get(sorted.size() - 1)));
                row.put("repeats", repeats);
                row.put("warmup", warmup);
                // process CPU seconds (all threads, JVM's included), as the PyTorch twin reports them: on a
                // shared host the work done is comparable where wall time depends on the neighbours
                row.put("cpu_s_median", round(median(cpu)));
                row.put("cpu_per_wall", Math.round(100 * median(cpu) / median) / 100.0);
                row.put("voxels_per_s", Math.round(batch * vox / median));
                // the whole run's peak (warm-up included: the first steps size DL4J's workspaces), and the
                // peak of the timed steps alone (VmHWM reset after warm-up through /proc/self/clear_refs)
                long peakTimed = statusKb("VmHWM");
                row.put("peak_rss_mb", round(Math.max(peakWarm, peakTimed) / 1024.0));
                row.put("rss_mb", round(statusKb("VmRSS") / 1024.0));
                row.put("warmup_peak_rss_mb", round(peakWarm / 1024.0));
                row.put("steady_peak_rss_mb", steadyPeak ? round(peakTimed / 1024.0) : null);
                row.put("jvm_heap_max_mb", Runtime.getRuntime().maxMemory() >> 20);
                row.put("jvm_heap_committed_mb", Runtime.getRuntime().totalMemory() >> 20);
                row.put("workspaces", wm.name().toLowerCase(java.util.Locale.ROOT));
                row.put("threads", Nd4j.getEnvironment().maxThreads());
                row.put("natives", Natives.loadedClassifier());
                row.put("onednn_helpers", Nd4j.getEnvironment().helpersAllowed());
                row.put("loadavg_1m", new double[] {round(load0), round(loadAverage())});
                row.put("times_s", times.stream().map(BenchCommand::round).toList());
                System.out.println(json.writeValueAsString(row));
            }
            if (profile) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("impl", "dl4j");
                row.put("config", ms.name());
                row.put("mode", "profile");
                row.put("batch", batch);
                g.fit(ds); // gradients views exist
                row.put("per_layer_type", renalseg.networks.LayerProfiler.asJson(
                    renalseg.networks.LayerProfiler.profile(g, x, Math.max(1, Math.min(repeats, 3)))));
                System.out.println(json.writeValueAsString(row));
            }
            return 0;
        }
    }

    static double median(List<Double> v) {
        List<Double> sorted = new ArrayList<>(v);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** CPU time of this process, all threads (-1 where the JVM cannot tell). */
    static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    /** Resets the process's peak resident size (VmHWM) to its current size; false where Linux does not allow it. */
    static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A "Vm..." line of /proc/self/status in kB (-1 off Linux). */
    static long statusKb(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(key + ":")) {
                    return Long.parseLong(l.substring(key.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
