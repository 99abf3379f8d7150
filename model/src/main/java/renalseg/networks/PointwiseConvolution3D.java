package renalseg.networks;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A 1x1x1 {@link Convolution3D} (same parameters, same JSON fields) computed as one matrix product per
 * example, [C_out, C_in] x [C_in, D*H*W], on the activation itself: no vol2col copy, no permutes. 26 of
 * the paper network's 56 convolutions are pointwise. NCDHW, stride 1, no padding only.
 */
public class PointwiseConvolution3D extends Convolution3D {

    public PointwiseConvolution3D() {
        super();
    }

    public PointwiseConvolution3D(Convolution3D.Builder builder) {
        super(builder);
        int[] k = getKernelSize();
        int[] s = getStride();
        if (k[0] != 1 || k[1] != 1 || k[2] != 1 || s[0] != 1 || s[1] != 1 || s[2] != 1
            || getDataFormat() != DataFormat.NCDHW) {
            throw new IllegalArgumentException("PointwiseConvolution3D needs kernel 1, stride 1, NCDHW");
        }
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return LayerWiring.wireConvolution(new PointwiseConvolution3DLayer(conf, networkDataType), this, conf, listeners,
            layerIndex, layerParamsView, initializeParams);
    }
}
