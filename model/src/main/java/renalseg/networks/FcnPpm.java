package renalseg.networks;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;

import org.deeplearning4j.nn.conf.layers.Subsampling3DLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

/**
 * The one builder of the 3D FCN-PPM (docs/model.md) for every {@link ModelSpec}: channels-first NCDHW input
 * "input" [N, inChannels, D, H, W], output "output" [N, classes, D, H, W] (softmax over channels), loss
 * {@link WeightedMeanCrossEntropy} (plus a soft Dice: {@link CrossEntropyDiceLoss}) in a {@link MeanCnn3DLossLayer}.
 *
 * <p>Vertex names: {@code stem}; residual blocks {@code s<stage>b<block>_a|_b|_c} (+ {@code _proj}, and
 * {@code _relu}: relu(c + shortcut) in one {@link AddReluVertex}; {@code _add} then {@code _relu} for other
 * activations); {@code pool1}, {@code pool2}; PPM {@code ppm<k>_pool|_conv|_up},
 * {@code ppm_cat}; {@code fuse3}; decoder {@code up2_deconv}, {@code up2_cat}, {@code up2_conv}, same
 * for up1; {@code classifier}; {@code output}.
 */
public final class FcnPpm {

    public static final String INPUT = "input";
    public static final String OUTPUT = "output";

    private FcnPpm() {
    }

    /** A freshly initialized network. */
    public static ComputationGraph build(ModelSpec spec, NetworkSetup setup) {
        ComputationGraph g = new ComputationGraph(configuration(spec, setup));
        g.init();
        return g;
    }

    /** The graph configuration (JSON-serializable: {@code toJson()} / {@code fromJson()} round-trip). */
    public static ComputationGraphConfiguration configuration(ModelSpec spec, NetworkSetup setup) {
        if (setup.classWeights().length != spec.classes()) {
            throw new IllegalArgumentException("class weights " + setup.classWeights().length + " != classes "
                + spec.classes());
        }
        int[] in = spec.input();
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
            .seed(setup.seed())
            .dataType(setup.dataType())
            .updater(setup.updater())
            .l2(setup.l2())
            .l2Bias(setup.l2())
            .weightInit(WeightInit.RELU)
            .biasInit(0.0)
            // The loss is already a mean over the minibatch (both losses): no second division.
            .miniBatch(false)
            .trainingWorkspaceMode(WorkspaceMode.ENABLED)
            .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
            .graphBuilder()
            .addInputs(INPUT)
            .setInputTypes(InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, in[0], in[1], in[2],
                spec.inChannels()));
        new Assembly(g, spec).build(setup);
        return g.build();
    }

    /** Names of the 3 convolutions of every residual block, in order (for counting and reports). */
    public static List<String> residualConvNames(ModelSpec spec) {
        List<String> out = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            for (int b = 0; b < spec.blocks()[s]; b++) {
                for (String part : new String[] {"a", "b", "c"}) {
                    out.add(blockName(s, b) + "_" + part);
                }
            }
        }
        return out;
    }

    static String blockName(int stage, int block) {
        return "s" + (stage + 1) + "b" + block;
    }

    /** Builds the vertices of one network into a GraphBuilder. */
    private static final class Assembly {
        private final ComputationGraphConfiguration.GraphBuilder g;
        private final ModelSpec spec;
        private final Activation act;

        Assembly(ComputationGraphConfiguration.GraphBuilder g, ModelSpec spec) {
            this.g = g;
            this.spec = spec;
            this.act = switch (spec.activation()) {
                case "tanh" -> Activation.TANH;
                case "softplus" -> Activation.SOFTPLUS;
                default -> Activation.RELU;
            };
        }

        void build(NetworkSetup setup) {
            int[] w = spec.widths();
            conv("stem", INPUT, spec.inChannels(), w[0], 3, 1, act);
            String s1 = stage(0, "stem", w[0], w[0]);
            pool("pool1", s1);
            String s2 = stage(1, "pool1", w[0], w[1]);
            pool("pool2", s2);
            String s3 = stage(2, "pool2", w[1], w[2]);
            String ppm = ppm(s3, w[2]);
            int ppmChannels = w[2] + spec.ppmBranchChannels() * spec.ppmKernels().length;
            conv("fuse3", ppm, ppmChannels, w[2], 3, 1, act);
            String u2 = up("up2", "fuse3", s2, w[2], w[1]);
            String u1 = up("up1", u2, s1, w[1], w[0]);
            conv("classifier", u1, w[0], spec.classes(), 1, 1, Activation.IDENTITY);
            g.addLayer(OUTPUT, MeanCnn3DLossLayer.of(setup.loss()),
                "classifier");
            g.setOutputs(OUTPUT);
        }

        private String stage(int s, String in, int cin, int c) {
            String prev = in;
            for (int b = 0; b < spec.blocks()[s]; b++) {
                int dil = s == 2 ? spec.stage3Dilation(b) : 1;
                prev = block(blockName(s, b), prev, b == 0 ? cin : c, c, dil);
            }
            return prev;
        }

        /** 1x1x1 cin->c/2, act; 3x3x3 c/2->c/2 dilated, act; 1x1x1 c/2->c; + shortcut; act. */
        private String block(String name, String in, int cin, int c, int dilation) {
            int mid = c / 2;
            conv(name + "_a", in, cin, mid, 1, 1, act);
            conv(name + "_b", name + "_a", mid, mid, 3, dilation, act);
            conv(name + "_c", name + "_b", mid, c, 1, 1, Activation.IDENTITY);
            String shortcut = in;
            if (cin != c) {
                conv(name + "_proj", in, cin, c, 1, 1, Activation.IDENTITY);
                shortcut = name + "_proj";
            }
            if (act == Activation.RELU) {
                // one vertex for relu(c + shortcut): the sum is not kept for backprop (AddReluVertex)
                g.addVertex(name + "_relu", new AddReluVertex(), name + "_c", shortcut);
            } else {
                g.addVertex(name + "_add", new AddReluVertex(false), name + "_c", shortcut);
                g.addLayer(name + "_relu", new ActivationLayer.Builder().activation(act).build(), name + "_add");
            }
            return name + "_relu";
        }

        private String ppm(String in, int cin) {
            int cb = spec.ppmBranchChannels();
            List<String> parts = new ArrayList<>();
            parts.add(in);
            for (int k : spec.ppmKernels()) {
                String n = "ppm" + k;
                g.addLayer(n + "_pool", new Subsampling3DLayer.Builder(Subsampling3DLayer.PoolingType.AVG, new int[] {k, k, k},
                    new int[] {k, k, k}).convolutionMode(ConvolutionMode.Truncate)
                    .dataFormat(Convolution3D.DataFormat.NCDHW).build(), in);
                conv(n + "_conv", n + "_pool", cin, cb, 1, 1, act);
                deconv(n + "_up", n + "_conv", cb, cb, k);
                parts.add(n + "_up");
            }
            g.addVertex("ppm_cat", new ChannelConcatVertex(), parts.toArray(String[]::new));
            return "ppm_cat";
        }

        private String up(String name, String in, String skip, int cin, int cout) {
            // the skip connection (cout channels) is appended to the upsampled output in its buffer
            g.addLayer(name + "_deconv", deconvolution(cin, cout, 2).concatenatedWith(cout), in);
            g.addVertex(name + "_cat", new ChannelConcatVertex(), name + "_deconv", skip);
            conv(name + "_conv", name + "_cat", 2 * cout, cout, 3, 1, act);
            return name + "_conv";
        }

        private void pool(String name, String in) {
            g.addLayer(name, new Subsampling3DLayer.Builder(Subsampling3DLayer.PoolingType.MAX, new int[] {2, 2, 2}, new int[] {2, 2, 2})
                .convolutionMode(ConvolutionMode.Truncate).dataFormat(Convolution3D.DataFormat.NCDHW).build(), in);
        }

        private void conv(String name, String in, int cin, int cout, int k, int dilation, Activation a) {
            Convolution3D.Builder b = new Convolution3D.Builder()
                .kernelSize(k, k, k).stride(1, 1, 1).dilation(dilation, dilation, dilation)
                .convolutionMode(ConvolutionMode.Same).dataFormat(Convolution3D.DataFormat.NCDHW)
                .nIn(cin).nOut(cout).hasBias(true).activation(a);
            g.addLayer(name, k == 1 ? new PointwiseConvolution3D(b) : new DilatedConvolution3D(b), in);
        }

        private void deconv(String name, String in, int cin, int cout, int k) {
            g.addLayer(name, deconvolution(cin, cout, k), in);
        }

        private static StridedDeconvolution3D deconvolution(int cin, int cout, int k) {
            return new StridedDeconvolution3D(new Deconvolution3D.Builder().kernelSize(k, k, k)
                .stride(k, k, k).convolutionMode(ConvolutionMode.Truncate).dataFormat(Convolution3D.DataFormat.NCDHW)
                .nIn(cin).nOut(cout).hasBias(true).activation(Activation.IDENTITY));
        }
    }
}
