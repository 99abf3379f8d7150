package renalseg.networks;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.Convolution3DLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The layer of {@link DilatedConvolution3D}: DL4J's Convolution3DLayer with oneDNN off while dilated. */
public class DilatedConvolution3DLayer extends Convolution3DLayer {

    public DilatedConvolution3DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean dilated() {
        return ((DilatedConvolution3D) conf().getLayer()).isDilated();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!dilated()) {
            return super.activate(training, workspaceMgr);
        }
        try (OneDnnGuard g = OneDnnGuard.helpersOff()) {
            return super.activate(training, workspaceMgr);
        }
    }

    @Override
    public INDArray preOutput(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!dilated()) {
            return super.preOutput(training, workspaceMgr);
        }
        try (OneDnnGuard g = OneDnnGuard.helpersOff()) {
            return super.preOutput(training, workspaceMgr);
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!dilated()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        try (OneDnnGuard g = OneDnnGuard.helpersOff()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
    }
}
