package renalseg.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import renalseg.config.ConfigError;

class FcnPpmTest {

    private static long countParams(ComputationGraphConfiguration conf) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g.numParams();
    }

    /** Counts from an independent PyTorch implementation of the same network (its parameter count, paper and small). */
    @Test
    void parameterCountsMatchThePyTorchTwin() {
        assertEquals(1_798_131L, countParams(FcnPpm.configuration(ModelSpec.load("paper"), NetworkSetup.inference(1))));
        assertEquals(22_211L, countParams(FcnPpm.configuration(ModelSpec.load("small"), NetworkSetup.inference(1))));
    }

    @Test
    void paperHas39ConvolutionsIn13ResidualBlocks() {
        ModelSpec paper = ModelSpec.load("paper");
        ComputationGraphConfiguration conf = FcnPpm.configuration(paper, NetworkSetup.inference(1));
        Map<String, org.deeplearning4j.nn.conf.graph.GraphVertex> v = conf.getVertices();
        Set<String> convs = v.entrySet().stream()
            .filter(e -> e.getValue() instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof Convolution3D
                && !(lv.getLayerConf().getLayer() instanceof Deconvolution3D))
            .map(Map.Entry::getKey).collect(Collectors.toSet());
        long blockConvs = convs.stream().filter(n -> n.matches("s\\db\\d+_[abc]")).count();
        long blocks = convs.stream().filter(n -> n.matches("s\\db\\d+_a")).count();
        long proj = convs.stream().filter(n -> n.endsWith("_proj")).count();
        long deconv = v.values().stream().filter(x -> x instanceof LayerVertex lv
            && lv.getLayerConf().getLayer() instanceof Deconvolution3D).count();
        assertEquals(39, blockConvs);
        assertEquals(13, blocks);
        assertEquals(2, proj);
        // docs/model.md: 39 + 2 projections + 9 other convolutions + 6 transposed = 56
        assertEquals(50, convs.size());
        assertEquals(6, deconv);
        assertEquals(39, FcnPpm.residualConvNames(paper).size());
        // dilations 1,2,4,8,1,2,4,8 on the stage-3 middle convolutions
        int[] dil = new int[8];
        for (int b = 0; b < 8; b++) {
            LayerVertex lv = (LayerVertex) v.get("s3b" + b + "_b");
            dil[b] = ((Convolution3D) lv.getLayerConf().getLayer()).getDilation()[0];
        }
        assertArrayEquals(new int[] {1, 2, 4, 8, 1, 2, 4, 8}, dil);
    }

    @Test
    void smallOutputHasInputShapeAndSoftmaxOverClasses() {
        ModelSpec small = ModelSpec.load("small");
        ComputationGraph g = FcnPpm.build(small, NetworkSetup.inference(7));
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 1, 16, 32, 32);
        INDArray y = g.outputSingle(x);
        assertArrayEquals(new long[] {2, 3, 16, 32, 32}, y.shape());
        INDArray sums = y.sum(1);
        assertEquals(0.0, Math.abs(sums.sub(1.0).maxNumber().doubleValue()), 1e-5);
        assertTrue(y.minNumber().doubleValue() >= 0);
    }

    @Test
    void jsonRoundTripGivesTheSameNetwork() {
        ModelSpec small = ModelSpec.load("small");
        ComputationGraphConfiguration conf = FcnPpm.configuration(small, NetworkSetup.inference(3));
        String json = conf.toJson();
        assertTrue(json.contains("ChannelConcatVertex") && json.contains("DilatedConvolution3D")
            && json.contains("MeanCnn3DLossLayer") && json.contains("WeightedMeanCrossEntropy"), "custom classes in JSON");
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertEquals(conf, back);
        ComputationGraph a = new ComputationGraph(conf);
        a.init();
        ComputationGraph b = new ComputationGraph(back);
        b.init(a.params().dup(), true);
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 1, 16, 32, 32);
        assertEquals(a.outputSingle(x), b.outputSingle(x));
        // the rebuilt graph trains too (backward through the custom vertex and the dilated layer)
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 1, 3, 16, 32, 32);
        labels.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(1))
            .assign(1);
        b.setInputs(x);
        b.setLabels(labels);
        b.computeGradientAndScore();
        assertTrue(Double.isFinite(b.score()) && b.score() > 0);
    }

    @Test
    void rejectsInputsThatThePoolingsCannotDivide() {
        ConfigError e = assertThrows(ConfigError.class, () -> ModelSpec.parse(
            ModelSpec.load("small").toHocon().replace("input=[\n    16", "input=[\n    20"), "bad"));
        assertTrue(e.getMessage().contains("multiple of 16") && e.getMessage().contains("largest PPM kernel"),
            e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
            () -> ModelSpec.load("paper").withInput(new int[] {64, 128, 96}));
        assertTrue(e2.getMessage().contains("multiple of 64"), e2.getMessage());
    }

    @Test
    void specRoundTripsThroughHoconAndRejectsUnknownKeys() {
        ModelSpec paper = ModelSpec.load("paper");
        assertEquals(16, paper.ppmBranchChannels());
        assertEquals(paper, ModelSpec.parse(paper.toHocon(), "text"));
        ConfigError e = assertThrows(ConfigError.class,
            () -> ModelSpec.parse(paper.toHocon() + "\nwidht = 3\n", "text"));
        assertTrue(e.getMessage().contains("widht"));
        assertThrows(ConfigError.class, () -> ModelSpec.load("nosuchpreset"));
        assertEquals(Arrays.toString(new int[] {16, 32, 32}), Arrays.toString(ModelSpec.load("small").input()));
    }
}
