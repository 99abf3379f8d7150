package renalseg.networks;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a training step keeps its gradients. DL4J's ComputationGraph puts each vertex's dL/d(input) in one of
 * a ring of workspaces ({@code WS_LAYER_ACT_0..n}) that DL4J opens when the vertex's backward pass runs and
 * closes once every consumer of those gradients ran. Each learns its largest size over its first cycles (as
 * many as the graph has vertices: 4 to 6 training steps of the FCN-PPM) and then holds a block of that size for
 * good: for the paper network at batch 1, 130 + 130 + 16 + 4 MB resident between steps, and its peak one step
 * later 200 MB higher (1685 -> 1887 MB at steps 6 to 8, 2026-12-08). Kept uninitialized, the workspaces spill
 * every gradient to a plain allocation that DL4J frees when the workspace closes: a gradient lives as long as
 * it is needed, as in PyTorch. The same step time (large allocations are mmap'd either way).
 *
 * <p>The setting is the graph's (one configuration object that DL4J passes to these workspaces when it
 * creates them), while the workspaces belong to the thread and are shared by every graph that thread runs: a
 * ring another graph created first is dropped here (it holds nothing between passes) so that this graph's
 * next step makes its own. Inference uses the same ring for activations, so an inference on that thread later
 * keeps the setting: it measured as fast and as lean with it (8 passes of the paper network, interleaved).
 */
public final class GradientWorkspaces {

    /** The ring's ids: DL4J's {@code WS_LAYER_ACT_X} followed by a number. */
    static final String RING_PREFIX = "WS_LAYER_ACT_";

    private static final Field CONFIG = ringConfigurationField();

    private GradientWorkspaces() {
    }

    /**
     * Makes {@code graph}'s backward pass free each gradient once it is consumed (see the class comment); call
     * before each {@code fit} on a thread (cheap, idempotent).
     */
    public static void releaseWhenConsumed(ComputationGraph graph) {
        WorkspaceConfiguration ring = ringConfiguration(graph);
        ring.setCyclesBeforeInitialization(Integer.MAX_VALUE);
        for (MemoryWorkspace ws : Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()) {
            if (ws.getId().startsWith(RING_PREFIX) && !ws.isScopeActive() && ws.getWorkspaceConfiguration() != ring) {
                Nd4j.getWorkspaceManager().destroyWorkspace(ws);
            }
        }
    }

    /** The configuration DL4J gives {@code graph}'s gradient workspaces. */
    static WorkspaceConfiguration ringConfiguration(ComputationGraph graph) {
        try {
            return (WorkspaceConfiguration) CONFIG.get(graph);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read DL4J's gradient workspace configuration", e);
        }
    }

    private static Field ringConfigurationField() {
        try {
            // protected and per graph in DL4J 1.0.0-M2.1; a version without it fails here, not silently
            Field f = ComputationGraph.class.getDeclaredField("WS_LAYER_ACT_X_CONFIG");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("this DL4J version has no ComputationGraph.WS_LAYER_ACT_X_CONFIG", e);
        }
    }
}
