package renalseg.networks;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import renalseg.config.ConfigError;

/**
 * One configuration of the 3D FCN-PPM (the keys of {@code conf/model/paper.conf}). Every number of the
 * layer table in docs/model.md comes from here; {@link FcnPpm} builds any of them.
 *
 * @param activation hidden-layer activation: {@code relu} (the paper); smooth ones ({@code tanh},
 *                   {@code softplus}) exist only so that gradient checks see no kinks
 */
public record ModelSpec(String name, int inChannels, int[] widths, int[] blocks, int[] stage3Dilations,
                        int[] ppmKernels, int ppmBranchChannels, int classes, int[] input, String activation) {

    static final Set<String> KEYS = Set.of("name", "in-channels", "widths", "blocks", "stage3-dilations",
        "ppm-kernels", "ppm-branch-channels", "classes", "input", "activation");

    public ModelSpec {
        widths = widths.clone();
        blocks = blocks.clone();
        stage3Dilations = stage3Dilations.clone();
        ppmKernels = ppmKernels.clone();
        input = input.clone();
        validate(name, inChannels, widths, blocks, stage3Dilations, ppmKernels, ppmBranchChannels, classes, input,
            activation);
    }

    /** A preset name ({@code paper}, {@code small}: classpath {@code conf/model/<name>.conf}) or a .conf file. */
    public static ModelSpec load(String presetOrPath) {
        if (presetOrPath == null || presetOrPath.isBlank()) {
            throw new ConfigError("model: no preset name or file given");
        }
        Path p = Path.of(presetOrPath);
        if (presetOrPath.endsWith(".conf") || Files.exists(p)) {
            if (!Files.isRegularFile(p)) {
                throw new ConfigError("model configuration file not found: " + presetOrPath);
            }
            try {
                return fromConfig(ConfigFactory.parseFile(p.toFile(), ConfigParseOptions.defaults()
                    .setAllowMissing(false)).resolve(), presetOrPath);
            } catch (ConfigException e) {
                throw new ConfigError("cannot read model configuration " + presetOrPath + ": " + e.getMessage(), e);
            }
        }
        String res = "conf/model/" + presetOrPath + ".conf";
        try (InputStream in = ModelSpec.class.getClassLoader().getResourceAsStream(res)) {
            if (in == null) {
                throw new ConfigError("unknown model preset '" + presetOrPath
                    + "' (presets: paper, medium, small; or give the path of a .conf file)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), res);
        } catch (IOException e) {
            throw new ConfigError("cannot read " + res + ": " + e.getMessage(), e);
        }
    }

    /** Parses HOCON text with the keys of conf/model/paper.conf (as written by {@link #toHocon()}). */
    public static ModelSpec parse(String hocon, String source) {
        try {
            return fromConfig(ConfigFactory.parseString(hocon).resolve(), source);
        } catch (ConfigException e) {
            throw new ConfigError("cannot read model configuration " + source + ": " + e.getMessage(), e);
        }
    }

    /** Reads a model configuration; unknown keys are errors (a misspelt key must not be ignored). */
    public static ModelSpec fromConfig(Config c, String source) {
        for (String k : c.root().keySet()) {
            if (!KEYS.contains(k)) {
                throw new ConfigError("model configuration " + source + ": unknown key '" + k + "' (valid: "
                    + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        try {
            int[] widths = ints(c, "widths");
            int branch = c.hasPath("ppm-branch-channels") ? c.getInt("ppm-branch-channels")
                : (widths.length == 3 ? widths[2] / 4 : 0);
            return new ModelSpec(c.getString("name"), c.getInt("in-channels"), widths, ints(c, "blocks"),
                ints(c, "stage3-dilations"), ints(c, "ppm-kernels"), branch, c.getInt("classes"), ints(c, "input"),
                c.hasPath("activation") ? c.getString("activation") : "relu");
        } catch (ConfigException e) {
            throw new ConfigError("model configuration " + source + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ConfigError("model configuration " + source + ": " + e.getMessage(), e);
        }
    }

    private static int[] ints(Config c, String key) {
        return c.getIntList(key).stream().mapToInt(Integer::intValue).toArray();
    }

    private static void validate(String name, int inChannels, int[] widths, int[] blocks, int[] dil, int[] kernels,
                                 int branch, int classes, int[] input, String activation) {
        require(name != null && !name.isBlank(), "name is empty");
        require(inChannels >= 1, "in-channels must be >= 1");
        require(widths.length == 3 && Arrays.stream(widths).allMatch(w -> w >= 2 && w % 2 == 0),
            "widths must be 3 even numbers >= 2 (a residual block's middle width is half its width), got "
                + Arrays.toString(widths));
        require(blocks.length == 3 && Arrays.stream(blocks).allMatch(b -> b >= 1),
            "blocks must be 3 numbers >= 1, got " + Arrays.toString(blocks));
        require(dil.length >= 1 && Arrays.stream(dil).allMatch(d -> d >= 1),
            "stage3-dilations must be a non-empty list of numbers >= 1");
        require(kernels.length >= 1 && Arrays.stream(kernels).allMatch(k -> k >= 1),
            "ppm-kernels must be a non-empty list of numbers >= 1");
        require(branch >= 1, "ppm-branch-channels must be >= 1 (or null = widths[2] / 4)");
        require(classes >= 2, "classes must be >= 2");
        require(Set.of("relu", "tanh", "softplus").contains(activation),
            "activation must be relu, tanh or softplus, got '" + activation + "'");
        require(input.length == 3, "input must be [D, H, W]");
        int m = 4 * Arrays.stream(kernels).max().getAsInt();
        require(Arrays.stream(input).allMatch(s -> s > 0 && s % m == 0),
            "input " + Arrays.toString(input) + " must be a multiple of " + m
                + " = 4 x the largest PPM kernel along every axis (two 2x poolings, then PPM pooling)");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Dilation of stage-3 block {@code i}: the list repeats cyclically. */
    public int stage3Dilation(int i) {
        return stage3Dilations[i % stage3Dilations.length];
    }

    /** 4 x the largest PPM kernel: every spatial input size must be a multiple of it. */
    public int sizeMultiple() {
        return 4 * Arrays.stream(ppmKernels).max().getAsInt();
    }

    /** Checks that a spatial size [D, H, W] suits this network (windows at inference may differ from input). */
    public void checkSpatial(int[] dhw) {
        int m = sizeMultiple();
        if (dhw.length != 3 || Arrays.stream(dhw).anyMatch(s -> s <= 0 || s % m != 0)) {
            throw new IllegalArgumentException("spatial size " + Arrays.toString(dhw) + " must be a multiple of " + m
                + " = 4 x the largest PPM kernel along every axis");
        }
    }

    public int residualBlocks() {
        return IntStream.of(blocks).sum();
    }

    public ModelSpec withActivation(String act) {
        return new ModelSpec(name, inChannels, widths, blocks, stage3Dilations, ppmKernels, ppmBranchChannels, classes,
            input, act);
    }

    public ModelSpec withInput(int[] dhw) {
        return new ModelSpec(name, inChannels, widths, blocks, stage3Dilations, ppmKernels, ppmBranchChannels, classes,
            dhw, activation);
    }

    /** HOCON text that {@link #parse} reads back to an equal spec (stored in checkpoints). */
    public String toHocon() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("in-channels", inChannels);
        m.put("widths", list(widths));
        m.put("blocks", list(blocks));
        m.put("stage3-dilations", list(stage3Dilations));
        m.put("ppm-kernels", list(ppmKernels));
        m.put("ppm-branch-channels", ppmBranchChannels);
        m.put("classes", classes);
        m.put("input", list(input));
        m.put("activation", activation);
        return ConfigValueFactory.fromMap(m).render(ConfigRenderOptions.concise().setFormatted(true).setJson(false));
    }

    private static List<Integer> list(int[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec s && name.equals(s.name) && inChannels == s.inChannels
            && Arrays.equals(widths, s.widths) && Arrays.equals(blocks, s.blocks)
            && Arrays.equals(stage3Dilations, s.stage3Dilations) && Arrays.equals(ppmKernels, s.ppmKernels)
            && ppmBranchChannels == s.ppmBranchChannels && classes == s.classes && Arrays.equals(input, s.input)
            && activation.equals(s.activation);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(widths) * 17 + Arrays.hashCode(input);
    }

    @Override
    public String toString() {
        return "ModelSpec[" + name + ", widths=" + Arrays.toString(widths) + ", blocks=" + Arrays.toString(blocks)
            + ", dilations=" + Arrays.toString(stage3Dilations) + ", ppm=" + Arrays.toString(ppmKernels)
            + ", input=" + Arrays.toString(input) + "]";
    }
}
