package renalseg.networks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.Subsampling3DLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;

/**
 * What {@code model-info} prints: counts taken from the built graph itself (not from the spec), so they
 * check the builder: parameters, residual blocks / their convolutions, all convolutions, and one row per
 * vertex in topological order with its output shape [C, D, H, W].
 */
public record NetworkSummary(String name, long params, int residualBlocks, int residualConvs, int projections,
                             int convolutions, int transposedConvolutions, int[] inputShape, int[] outputShape,
                             List<Map<String, Object>> layers) {

    public static NetworkSummary of(ModelSpec spec, ComputationGraph g) {
        ComputationGraphConfiguration conf = g.getConfiguration();
        int[] in = spec.input();
        Map<String, InputType> types = conf.getLayerActivationTypes(
            InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, in[0], in[1], in[2], spec.inChannels()));
        List<Map<String, Object>> rows = new ArrayList<>();
        int blocks = 0;
        int resConvs = 0;
        int proj = 0;
        int convs = 0;
        int deconvs = 0;
        for (int idx : g.topologicalSortOrder()) {
            GraphVertex v = g.getVertices()[idx];
            String name = v.getVertexName();
            if (v.isInputVertex()) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", name);
            org.deeplearning4j.nn.conf.graph.GraphVertex cv = conf.getVertices().get(name);
            Layer l = cv instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
            row.put("type", l != null ? l.getClass().getSimpleName() : cv.getClass().getSimpleName());
            if (l instanceof Deconvolution3D d) {
                deconvs++;
                row.put("kernel", d.getKernelSize()[0]);
                row.put("stride", d.getStride()[0]);
            } else if (l instanceof Convolution3D c) {
                convs++;
                if (name.matches("s\\db\\d+_[abc]")) {
                    resConvs++;
                    if (name.endsWith("_a")) {
                        blocks++;
                    }
                }
                if (name.endsWith("_proj")) {
                    proj++;
                }
                row.put("kernel", c.getKernelSize()[0]);
                row.put("dilation", c.getDilation()[0]);
            } else if (l instanceof Subsampling3DLayer s) {
                row.put("pooling", s.getPoolingType().name().toLowerCase());
                row.put("kernel", s.getKernelSize()[0]);
            }
            row.put("inputs", List.copyOf(conf.getVertexInputs().get(name)));
            row.put("output", shape(types.get(name)));
            row.put("params", v.numParams());
            rows.add(row);
        }
        int[] out = shape(types.get(FcnPpm.OUTPUT));
        int[] input = new int[] {spec.inChannels(), in[0], in[1], in[2]};
        return new NetworkSummary(spec.name(), g.numParams(), blocks, resConvs, proj, convs, deconvs, input, out, rows);
    }

    private static int[] shape(InputType t) {
        if (t instanceof InputType.InputTypeConvolutional3D c) {
            return new int[] {(int) c.getChannels(), (int) c.getDepth(), (int) c.getHeight(), (int) c.getWidth()};
        }
        return new int[0];
    }
}
