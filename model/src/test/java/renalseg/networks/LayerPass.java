package renalseg.networks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One training forward and backward pass of a layer (without workspaces): what the layer tests compare
 * between DL4J's own layer and ours on the same parameters, input and dL/da.
 */
record LayerPass(INDArray output, Pair<Gradient, INDArray> gradients) {

    /** The pass, with libnd4j's oneDNN helpers on or off. */
    static LayerPass run(Layer layer, INDArray x, INDArray dLda, boolean oneDnn) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        try (OneDnnGuard g = oneDnn ? null : OneDnnGuard.helpersOff()) {
            layer.setInput(x, mgr);
            INDArray y = layer.activate(true, mgr).dup();
            return new LayerPass(y, layer.backpropGradient(dLda, mgr));
        }
    }

    INDArray inputGradient() {
        return gradients.getSecond();
    }

    /** Output, dL/dx, dL/dW and dL/db equal within eps; ours has non-zero W and b gradients. */
    void assertMatches(LayerPass ours, double eps) {
        assertTrue(output.equalsWithEps(ours.output, eps), "forward");
        assertTrue(inputGradient().equalsWithEps(ours.inputGradient(), eps), "input gradient");
        for (String key : new String[] {"W", "b"}) {
            INDArray a = gradients.getFirst().getGradientFor(key);
            INDArray b = ours.gradients.getFirst().getGradientFor(key);
            assertTrue(a.reshape(a.length()).equalsWithEps(b.reshape(b.length()), eps), key + " gradient "
                + a.reshape(a.length()).sub(b.reshape(b.length())).amaxNumber() + " of " + a.amaxNumber());
            assertTrue(b.norm2Number().doubleValue() > 0, key);
        }
    }
}
