package renalseg.networks;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.factory.Nd4j;

/**
 * dL/dz of a convolution from the output it produced in the forward pass, so that backprop does not run the
 * convolution a second time (DL4J's convolution layers recompute z = conv(x) + b in backpropGradient: for a
 * network of convolutions that is a third more arithmetic per training step than PyTorch, which keeps what
 * autograd needs). Exact for the two activations of the FCN-PPM: identity (dL/dz = dL/da) and ReLU
 * (relu'(z) = 1 where z > 0, which is where a = relu(z) > 0). Other activations need z and recompute.
 *
 * <p>The output is only remembered from a training forward pass, and only used while the layer still has the
 * same input object: during a training iteration DL4J keeps every activation (each is the next layer's input)
 * in the activations workspace until backprop is done, and no consumer of a convolution output changes it in
 * place while training.
 */
final class OutputReuse {

    private INDArray input;
    private INDArray output;

    /** True when dL/dz follows from the output alone for this activation. */
    static boolean supports(IActivation act) {
        return act instanceof ActivationIdentity || act instanceof ActivationReLU r && r.equals(new ActivationReLU());
    }

    /** After a forward pass: keeps the output of a training pass, forgets otherwise. */
    void remember(boolean training, IActivation act, INDArray in, INDArray out) {
        if (training && supports(act)) {
            input = in;
            output = out;
        } else {
            forget();
        }
    }

    void forget() {
        input = null;
        output = null;
    }

    /**
     * dL/dz for the current input and epsilon dL/da, or null when the remembered output does not belong to
     * this input (then the caller recomputes z). Consumes the remembered output.
     */
    INDArray delta(IActivation act, INDArray currentInput, INDArray epsilon, LayerWorkspaceMgr mgr) {
        INDArray a = output;
        boolean mine = a != null && currentInput == input && supports(act) && a.equalShapes(epsilon);
        forget();
        if (!mine) {
            return null;
        }
        if (act instanceof ActivationIdentity) {
            return epsilon;
        }
        INDArray delta = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, epsilon.dataType(), epsilon.shape(), 'c');
        Nd4j.getExecutioner().exec(new RectifiedLinearDerivative(a, epsilon, delta, 0.0));
        return delta;
    }
}
