package renalseg.pipeline;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Networks built on an executor, kept for the life of the JVM and keyed by model id: each is built once
 * (from the broadcast configuration JSON and parameters) and reused by every later task. A network is not
 * safe for two threads at once, so concurrent tasks borrow distinct instances (at most one per task slot).
 */
public final class ModelPool {

    private static final ExecutorPool<ComputationGraph> POOL = new ExecutorPool<>();
    private static final Map<String, Integer> BUILT = new ConcurrentHashMap<>();

    private ModelPool() {
    }

    public static ComputationGraph borrow(String modelId, String configJson, Supplier<INDArray> params) {
        return POOL.borrow(modelId, () -> {
            ComputationGraph net = new ComputationGraph(ComputationGraphConfiguration.fromJson(configJson));
            net.init(params.get().dup(), false);
            BUILT.merge(modelId, 1, Integer::sum);
            return net;
        });
    }

    public static void giveBack(String modelId, ComputationGraph g) {
        POOL.giveBack(modelId, g);
    }

    /** How many networks this JVM built for the model (tests check "once per executor", not per task). */
    public static int built(String modelId) {
        return BUILT.getOrDefault(modelId, 0);
    }
}
