package renalseg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import renalseg.networks.FcnPpm;
import renalseg.networks.ModelSpec;
import renalseg.networks.NetworkSetup;
import renalseg.networks.NetworkSummary;

/** Prints one JSON object describing a network configuration, with counts taken from the built graph. */
@Command(name = "model-info", mixinStandardHelpOptions = true,
    description = {"Describe the 3D FCN-PPM of a configuration: parameters, residual blocks and their convolutions,",
        "input/output shapes (C, D, H, W) and the layer table, as one JSON object."})
public final class ModelInfoCommand implements Callable<Integer> {

    @Mixin
    ModelOption model = new ModelOption();

    @Option(names = "--no-layers", description = "Leave the layer table out.")
    boolean noLayers;

    @Override
    public Integer call() throws Exception {
        ModelSpec spec = model.spec();
        ComputationGraph g = FcnPpm.build(spec, NetworkSetup.inference(0));
        NetworkSummary s = NetworkSummary.of(spec, g);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", s.name());
        out.put("params", s.params());
        out.put("residual_blocks", s.residualBlocks());
        out.put("residual_convs", s.residualConvs());
        out.put("residual_projections", s.projections());
        out.put("convolutions", s.convolutions());
        out.put("transposed_convolutions", s.transposedConvolutions());
        out.put("input_shape", s.inputShape());
        out.put("output_shape", s.outputShape());
        out.put("stage3_dilations", spec.stage3Dilations());
        out.put("ppm_kernels", spec.ppmKernels());
        out.put("configuration", spec.toHocon());
        if (!noLayers) {
            out.put("layers", s.layers());
        }
        System.out.println(new ObjectMapper().writeValueAsString(out));
        return 0;
    }
}
