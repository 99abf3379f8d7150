package renalseg.networks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Finite differences against backprop for the whole network (every layer type, the custom concat vertex,
 * the dilated convolution, the weighted-mean loss): float64, softplus instead of ReLU so there are no kinks.
 */
class GradientCheckTest {

    @Test
    void tinyNetworkPassesAGradientCheck() {
        checkWith("softplus");
    }

    /**
     * ReLU, the paper's activation: the convolutions then take dL/dz from their forward outputs (OutputReuse)
     * rather than recomputing z. The finite differences step over a kink only if a pre-activation lies within
     * ~1e-6 of zero, which these random inputs do not.
     */
    @Test
    void tinyReluNetworkPassesAGradientCheck() {
        checkWith("relu");
    }

    private static void checkWith(String activation) {
        ModelSpec tiny = ModelSpec.parse("""
            name = tiny
            in-channels = 1
            widths = [2, 4, 4]
            blocks = [1, 1, 2]
            stage3-dilations = [2, 1]
            ppm-kernels = [1, 2]
            ppm-branch-channels = 2
            classes = 3
            input = [8, 8, 8]
            activation = %s
            """.formatted(activation), "tiny");
        DataType keepDefault = Nd4j.dataType();
        DataType keepFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            check(tiny);
        } finally {
            Nd4j.setDefaultDataTypes(keepDefault, keepFloat);
        }
    }

    private static void check(ModelSpec tiny) {
        Nd4j.getRandom().setSeed(11);
        ComputationGraph g = FcnPpm.build(tiny, NetworkSetup.inference(11).withDataType(DataType.DOUBLE));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 1, 1, 8, 8, 8);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 1, 3, 8, 8, 8);
        java.util.Random r = new java.util.Random(5);
        for (int n = 0; n < 1; n++) {
            for (int z = 0; z < 8; z++) {
                for (int y = 0; y < 8; y++) {
                    for (int xx = 0; xx < 8; xx++) {
                        labels.putScalar(new long[] {n, r.nextInt(3), z, y, xx}, 1.0);
                    }
                }
            }
        }
        g.setInputs(x);
        g.setLabels(labels);
        g.computeGradientAndScore();
        INDArray analytic = g.getFlattenedGradients().dup();
        INDArray params = g.params();
        // 40 random parameters (all layers are small, so this touches most layer types); central differences
        java.util.Random pick = new java.util.Random(17);
        int checked = 0;
        int failures = 0;
        StringBuilder report = new StringBuilder();
        for (int t = 0; t < 40; t++) {
            long i = pick.nextInt((int) params.length());
            double keep = params.getDouble(i);
            double h = 1e-6;
            params.putScalar(i, keep + h);
            double up = g.score(new org.nd4j.linalg.dataset.DataSet(x, labels), false);
            params.putScalar(i, keep - h);
            double down = g.score(new org.nd4j.linalg.dataset.DataSet(x, labels), false);
            params.putScalar(i, keep);
            double numeric = (up - down) / (2 * h);
            double a = analytic.getDouble(i);
            double rel = Math.abs(a - numeric) / Math.max(Math.abs(a) + Math.abs(numeric), 1e-300);
            checked++;
            if (rel > 1e-4 && Math.abs(a - numeric) > 1e-9) {
                failures++;
                report.append("param ").append(i).append(": backprop ").append(a).append(" numeric ")
                    .append(numeric).append('\n');
            }
        }
        assertTrue(checked == 40 && failures == 0, failures + " of " + checked + " gradients differ:\n" + report);
        // guard against a vacuous pass: the gradient is not all zeros
        assertTrue(analytic.norm2Number().doubleValue() > 1e-6);
    }
}
