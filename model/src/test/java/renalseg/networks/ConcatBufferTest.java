package renalseg.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The decoder's transposed convolutions write into their concatenation's buffer in training ({@link ConcatBuffer}):
 * the buffer is found only from its own leading channels, only where activations live until backprop ends, and
 * a training pass gives the same score and gradients as the network that copies.
 */
class ConcatBufferTest {

    @Test
    void findsTheBufferOfItsLeadingChannelsOnly() {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray lead = ConcatBuffer.leading(ConcatBuffer.buffer(mgr, DataType.FLOAT, new long[] {2, 3, 2, 3, 4}, 2), 3);
        assertArrayEquals(new long[] {2, 3, 2, 3, 4}, lead.shape());
        INDArray whole = ConcatBuffer.whole(lead, 5);
        assertNotNull(whole);
        assertArrayEquals(new long[] {2, 5, 2, 3, 4}, whole.shape());
        whole.assign(0);
        lead.assign(7); // written through the view: channels 0-2 of both examples in the buffer, nothing else
        assertEquals(7.0 * 2 * 3 * 24, whole.sumNumber().doubleValue(), 1e-9);
        assertEquals(7.0 * 3 * 24, whole.get(NDArrayIndex.point(1), NDArrayIndex.interval(0, 3), NDArrayIndex.all(),
            NDArrayIndex.all(), NDArrayIndex.all()).sumNumber().doubleValue(), 1e-9);
        assertEquals(0.0, whole.get(ConcatBuffer.channels(5, 3, 5)).sumNumber().doubleValue(), 0.0);
        assertNull(ConcatBuffer.whole(lead, 6), "another width");
        assertNull(ConcatBuffer.whole(lead, 3), "no channels after");
        assertNull(ConcatBuffer.whole(whole.get(ConcatBuffer.channels(5, 1, 4)), 5), "not the leading channels");
        assertNull(ConcatBuffer.whole(Nd4j.create(DataType.FLOAT, 2, 3, 2, 3, 4), 5), "an array of its own");
    }

    @Test
    void onlyWhereActivationsLiveUntilTheEndOfThePass() {
        assertTrue(ConcatBuffer.activationsOutliveTheLayer(true, LayerWorkspaceMgr.noWorkspaces()));
        assertFalse(ConcatBuffer.activationsOutliveTheLayer(false, LayerWorkspaceMgr.noWorkspaces()));
        WorkspaceConfiguration ws = WorkspaceConfiguration.builder().build();
        LayerWorkspaceMgr.Builder b = LayerWorkspaceMgr.builder().noWorkspaceFor(ArrayType.FF_WORKING_MEM)
            .noWorkspaceFor(ArrayType.BP_WORKING_MEM).noWorkspaceFor(ArrayType.INPUT)
            .noWorkspaceFor(ArrayType.ACTIVATION_GRAD).noWorkspaceFor(ArrayType.RNN_FF_LOOP_WORKING_MEM)
            .noWorkspaceFor(ArrayType.RNN_BP_LOOP_WORKING_MEM).noWorkspaceFor(ArrayType.UPDATER_WORKING_MEM)
            .noWorkspaceFor(ArrayType.FF_CACHE);
        // DL4J's training pass: one workspace for all activations
        assertTrue(ConcatBuffer.activationsOutliveTheLayer(true,
            b.with(ArrayType.ACTIVATIONS, "WS_ALL_LAYERS_ACT", ws).build()));
        // its inference pass (also with training = true, e.g. output(true, x)): a workspace per layer output
        assertFalse(ConcatBuffer.activationsOutliveTheLayer(true,
            b.with(ArrayType.ACTIVATIONS, "WS_LAYER_ACT_3", ws).build()));
    }

    @Test
    void trainingPassFillsTheDecoderBuffersWithTheSameGradients() {
        ModelSpec small = ModelSpec.load("small");
        ComputationGraphConfiguration conf = FcnPpm.configuration(small, NetworkSetup.inference(3));
        ComputationGraphConfiguration copying = conf.clone();
        for (String up : new String[] {"up1_deconv", "up2_deconv"}) {
            StridedDeconvolution3D d = (StridedDeconvolution3D) ((LayerVertex) conf.getVertices().get(up))
                .getLayerConf().getLayer();
            assertEquals(d.getNOut(), d.getChannelsAfter(), up + ": the skip connection has as many channels");
            ((StridedDeconvolution3D) ((LayerVertex) copying.getVertices().get(up)).getLayerConf().getLayer())
                .concatenatedWith(0);
        }
        ComputationGraph a = new ComputationGraph(conf);
        a.init();
        ComputationGraph b = new ComputationGraph(copying);
        b.init(a.params().dup(), true);
        Nd4j.getRandom().setSeed(8);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 1, 16, 32, 32);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 2, 3, 16, 32, 32);
        INDArray cls = Nd4j.rand(DataType.FLOAT, 2, 1, 16, 32, 32).mul(3).castTo(DataType.INT32);
        for (int k = 0; k < 3; k++) {
            labels.get(ConcatBuffer.channels(5, k, k + 1)).assign(cls.eq(k).castTo(DataType.FLOAT));
        }
        for (ComputationGraph g : new ComputationGraph[] {a, b}) {
            g.setInputs(x);
            g.setLabels(labels);
            g.computeGradientAndScore();
        }
        assertTrue(inPlace(a, "up1_cat") && inPlace(a, "up2_cat"), "decoder concatenations filled in place");
        assertFalse(inPlace(a, "ppm_cat"), "the pyramid's first input is a block output: copied");
        assertFalse(inPlace(b, "up1_cat") || inPlace(b, "up2_cat"), "without the reservation: copied");
        assertEquals(b.score(), a.score(), 1e-6 * Math.abs(b.score()));
        INDArray ga = a.getFlattenedGradients();
        INDArray gb = b.getFlattenedGradients();
        assertTrue(gb.norm2Number().doubleValue() > 0);
        assertTrue(ga.equalsWithEps(gb, 1e-6), "gradients, max difference "
            + ga.sub(gb).amaxNumber().doubleValue());
        // inference copies as before and agrees
        INDArray ya = a.outputSingle(x);
        assertFalse(inPlace(a, "up1_cat"), "inference never aliases");
        assertTrue(ya.equalsWithEps(b.outputSingle(x), 1e-6));
    }

    private static boolean inPlace(ComputationGraph g, String vertex) {
        return ((ChannelConcatVertexImpl) g.getVertex(vertex)).lastPassInPlace();
    }
}
