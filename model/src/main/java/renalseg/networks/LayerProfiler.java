package renalseg.networks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a training step's time goes: each layer's forward and backward pass timed on its own, with the
 * activations of a real forward pass as inputs and a random gradient as epsilon, summed per layer type
 * ("Convolution3D k3 dilated" etc.). Vertices without layers (add, concat) are cheap and not timed.
 */
public final class LayerProfiler {

    private LayerProfiler() {
    }

    /** Per type: {forward_s, backward_s, count}, median-free (sum over {@code repeats} runs / repeats). */
    public static Map<String, double[]> profile(ComputationGraph g, INDArray x, int repeats) {
        Map<String, INDArray> acts = g.feedForward(x, true);
        Map<String, double[]> out = new TreeMap<>();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        for (GraphVertex v : g.getVertices()) {
            if (!v.hasLayer()) {
                continue;
            }
            String name = v.getVertexName();
            List<String> inputs = g.getConfiguration().getVertexInputs().get(name);
            INDArray in = acts.get(inputs.get(0));
            Layer layer = v.getLayer();
            org.deeplearning4j.nn.conf.layers.Layer lc =
                ((LayerVertex) g.getConfiguration().getVertices().get(name)).getLayerConf().getLayer();
            String type = lc.getClass().getSimpleName();
            if (lc instanceof Convolution3D c && !(lc instanceof org.deeplearning4j.nn.conf.layers.Deconvolution3D)) {
                type = "Convolution3D k" + c.getKernelSize()[0] + (c.getDilation()[0] > 1 ? " dilated" : "");
            }
            if (name.equals(FcnPpm.OUTPUT)) {
                continue;
            }
            double[] acc = out.computeIfAbsent(type, k -> new double[3]);
            for (int r = 0; r < repeats; r++) {
                layer.setInput(in.dup(), mgr);
                long t0 = System.nanoTime();
                INDArray o = layer.activate(true, mgr);
                long t1 = System.nanoTime();
                INDArray eps = Nd4j.rand(o.dataType(), o.shape());
                long t2 = System.nanoTime();
                layer.backpropGradient(eps, mgr);
                long t3 = System.nanoTime();
                acc[0] += (t1 - t0) / 1e9 / repeats;
                acc[1] += (t3 - t2) / 1e9 / repeats;
            }
            acc[2] += 1;
            layer.clear();
        }
        return out;
    }

    public static Map<String, Object> asJson(Map<String, double[]> p) {
        Map<String, Object> m = new LinkedHashMap<>();
        p.forEach((k, v) -> m.put(k, Map.of("forward_s", Math.round(v[0] * 1e4) / 1e4,
            "backward_s", Math.round(v[1] * 1e4) / 1e4, "layers", (int) v[2])));
        return m;
    }
}
