package renalseg.networks;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link Convolution3D} whose dilated forward and backward passes bypass oneDNN (see {@link OneDnnGuard}).
 * Undilated instances behave exactly like Convolution3D, so the builder may use it everywhere. It has a
 * public no-argument constructor and no extra fields, so DL4J's JSON (Spark executors rebuild graphs from
 * it) round-trips it by class name.
 */
public class DilatedConvolution3D extends Convolution3D {

    public DilatedConvolution3D() {
        super();
    }

    public DilatedConvolution3D(Convolution3D.Builder builder) {
        super(builder);
    }

    /** True when any dilation is above 1 (the case oneDNN rejects). */
    public boolean isDilated() {
        int[] d = getDilation();
        if (d == null) {
            return false;
        }
        for (int v : d) {
            if (v != 1) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return LayerWiring.wireConvolution(new DilatedConvolution3DLayer(conf, networkDataType), this, conf, listeners,
            layerIndex, layerParamsView, initializeParams);
    }
}
