package renalseg.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import renalseg.networks.ModelSpec;
import renalseg.plan.SegmentationPlan;
import renalseg.util.InputError;

/**
 * A training checkpoint: one zip that DL4J's {@code ModelSerializer.restoreComputationGraph} also reads
 * ({@code configuration.json}, {@code coefficients.bin}, {@code updaterState.bin}: network, parameters,
 * optimizer state incl. DL4J's iteration counter), plus {@code renalseg/checkpoint.json}: format version,
 * the model configuration (HOCON of conf/model/*.conf), the train settings, the normalization mean
 * (training mean of the windowed intensities), the position in training, the history so far and, for a
 * segmentation network, its {@link SegmentationPlan} ({@code plan}; absent in checkpoints written before
 * plans existed, and in the localizer's, whose plan is its {@code localizer.json}).
 *
 * @param plan the preprocessing / inference / post-processing plan, or null (see above)
 */
public record Checkpoint(ComputationGraph network, ModelSpec spec, TrainSettings settings, double normalizationMean,
                         TrainingPosition position, List<HistoryRow> history, SegmentationPlan plan) {

    public static final String META_ENTRY = "renalseg/checkpoint.json";
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    public Checkpoint {
        history = List.copyOf(history);
    }

    /** A checkpoint without a plan (the localizer's network, tests of training alone). */
    public Checkpoint(ComputationGraph network, ModelSpec spec, TrainSettings settings, double normalizationMean,
                      TrainingPosition position, List<HistoryRow> history) {
        this(network, spec, settings, normalizationMean, position, history, null);
    }

    /** Writes atomically (temp file + rename) so a crash never leaves half a checkpoint. */
    public void write(Path file) throws IOException {
        ByteArrayOutputStream net = new ByteArrayOutputStream();
        ModelSerializer.writeModel(network, net, true);
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
                try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(net.toByteArray()))) {
                    for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                        zip.putNextEntry(new ZipEntry(e.getName()));
                        in.transferTo(zip);
                        zip.closeEntry();
                    }
                }
                zip.putNextEntry(new ZipEntry(META_ENTRY));
                zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta()));
                zip.closeEntry();
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private ObjectNode meta() {
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FORMAT);
        m.put("model", spec.toHocon());
        m.set("train", JSON.valueToTree(settings));
        m.put("normalization_mean", normalizationMean);
        m.set("position", JSON.valueToTree(position));
        if (plan != null) {
            try {
                m.set("plan", JSON.readTree(plan.toJson()));
            } catch (IOException e) {
                throw new IllegalStateException("rendering the segmentation plan: " + e.getMessage(), e);
            }
        }
        ArrayNode h = m.putArray("history");
        for (HistoryRow r : history) {
            h.add(JSON.valueToTree(r));
        }
        return m;
    }

    public static Checkpoint read(Path file) throws IOException {
        JsonNode meta = readMeta(file);
        ComputationGraph net = ModelSerializer.restoreComputationGraph(file.toFile(), true);
        ModelSpec spec = ModelSpec.parse(meta.get("model").asText(), file + ":" + META_ENTRY);
        TrainSettings settings = JSON.treeToValue(meta.get("train"), TrainSettings.class);
        TrainingPosition pos = JSON.treeToValue(meta.get("position"), TrainingPosition.class);
        List<HistoryRow> history = new ArrayList<>();
        for (JsonNode r : meta.path("history")) {
            history.add(JSON.treeToValue(r, HistoryRow.class));
        }
        return new Checkpoint(net, spec, settings, meta.get("normalization_mean").asDouble(), pos, history,
            plan(meta, file));
    }

    /** The checkpoint's plan without loading the network; null when it has none (an older checkpoint). */
    public static SegmentationPlan readPlan(Path file) {
        return plan(readMeta(file), file);
    }

    private static SegmentationPlan plan(JsonNode meta, Path file) {
        JsonNode p = meta.get("plan");
        if (p == null || p.isNull()) {
            return null;
        }
        try {
            return SegmentationPlan.fromJson(p.toString());
        } catch (IllegalArgumentException | renalseg.config.ConfigError e) {
            throw new InputError("checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readMeta(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputError("checkpoint not found: " + file);
        }
        JsonNode meta = null;
        try (InputStream is = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(is)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals(META_ENTRY)) {
                    meta = JSON.readTree(new String(zip.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new InputError("checkpoint " + file + " is not a readable zip: " + e.getMessage(), e);
        }
        if (meta == null) {
            throw new InputError("checkpoint " + file + " lacks " + META_ENTRY + " (not a renalseg checkpoint)");
        }
        if (meta.path("format").asInt() != FORMAT) {
            throw new InputError("checkpoint " + file + " has format " + meta.path("format") + ", expected " + FORMAT);
        }
        return meta;
    }
}
