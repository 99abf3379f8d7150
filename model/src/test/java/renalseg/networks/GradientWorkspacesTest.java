package renalseg.networks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * {@link GradientWorkspaces}: the gradient workspaces stay empty between steps with it and hold blocks without
 * it (DL4J's default, which the first case shows is reached within the steps run), and training gives the very
 * same parameters either way: a gradient freed before its last reader would change them. Each case runs on a
 * fresh thread, since the workspaces belong to the thread.
 */
class GradientWorkspacesTest {

    /** Steps enough for DL4J to size the ring (it learns over as many cycles as the graph has vertices). */
    private static final int STEPS = 12;

    @Test
    void gradientsAreFreedOnceConsumedWithTheSameTraining() throws Exception {
        Trained plain = onFreshThread(() -> train(false, null));
        assertTrue(plain.ringBytes() > 0, "DL4J's default keeps blocks in the gradient workspaces: " + plain);
        Trained released = onFreshThread(() -> train(true, null));
        assertTrue(released.ringCount() > 0, "the ring was used: " + released);
        assertEquals(0, released.ringBytes(), "nothing held between steps: " + released);
        assertEquals(plain.params(), released.params(), "the same parameters after " + STEPS + " steps");
    }

    /** A ring another graph sized on the same thread is replaced by this graph's. */
    @Test
    void aRingLeftByAnotherGraphIsReplaced() throws Exception {
        Trained after = onFreshThread(() -> {
            Trained first = train(false, null);
            assertTrue(first.ringBytes() > 0, "the first graph left sized workspaces");
            return train(true, first);
        });
        assertEquals(0, after.ringBytes(), "the second graph's ring holds nothing: " + after);
        assertTrue(after.ownRing(), "every ring workspace has the second graph's configuration");
    }

    private record Trained(INDArray params, long ringBytes, int ringCount, boolean ownRing) {
    }

    private static Trained train(boolean release, Trained before) {
        ComputationGraph g = FcnPpm.build(ModelSpec.load("small").withInput(new int[] {16, 16, 16}),
            NetworkSetup.inference(5).withUpdater(new Nesterovs(0.01, 0.9)).withDataType(DataType.DOUBLE));
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 1, 16, 16, 16);
        INDArray classes = Nd4j.rand(DataType.DOUBLE, 2, 1, 16, 16, 16).muli(3).castTo(DataType.INT32);
        INDArray y = Nd4j.concat(1, classes.eq(0), classes.eq(1), classes.eq(2)).castTo(DataType.DOUBLE);
        for (int i = 0; i < STEPS; i++) {
            if (release) {
                GradientWorkspaces.releaseWhenConsumed(g);
            }
            g.fit(new DataSet(x, y));
        }
        long bytes = 0;
        int count = 0;
        boolean own = true;
        List<MemoryWorkspace> all = Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread();
        for (MemoryWorkspace ws : all) {
            if (ws.getId().startsWith(GradientWorkspaces.RING_PREFIX)) {
                bytes += ws.getCurrentSize();
                count++;
                own &= ws.getWorkspaceConfiguration() == GradientWorkspaces.ringConfiguration(g);
            }
        }
        return new Trained(g.params().dup(), bytes, count, own);
    }

    private static Trained onFreshThread(Callable<Trained> c) throws Exception {
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            return ex.submit(c).get();
        } finally {
            ex.shutdownNow();
        }
    }
}
