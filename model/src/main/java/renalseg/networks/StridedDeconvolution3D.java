package renalseg.networks;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link Deconvolution3D} whose kernel equals its stride (the FCN-PPM's upsampling: 2x2x2 stride 2, and the
 * pyramid branches' k x k x k stride k), with the same parameters and JSON fields, computed as one matrix
 * product per example: the output blocks do not overlap, so each input voxel's k^3 x C_out outputs are
 * W [k^3 C_out, C_in] times its C_in values. libnd4j's deconv3d (oneDNN) costs per call what the
 * small network's whole decoder should. NCDHW, no padding, Truncate mode only.
 */
public class StridedDeconvolution3D extends Deconvolution3D {

    public StridedDeconvolution3D() {
        super();
    }

    public StridedDeconvolution3D(Deconvolution3D.Builder builder) {
        super(builder);
        int[] k = getKernelSize();
        int[] s = getStride();
        int[] p = getPadding();
        int[] d = getDilation();
        for (int i = 0; i < 3; i++) {
            if (k[i] != s[i] || p[i] != 0 || d[i] != 1) {
                throw new IllegalArgumentException("StridedDeconvolution3D needs kernel = stride, no padding, no "
                    + "dilation");
            }
        }
        if (getDataFormat() != Convolution3D.DataFormat.NCDHW || getConvolutionMode() != ConvolutionMode.Truncate) {
            throw new IllegalArgumentException("StridedDeconvolution3D needs NCDHW and Truncate mode");
        }
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return LayerWiring.wireConvolution(new StridedDeconvolution3DLayer(conf, networkDataType), this, conf,
            listeners, layerIndex, layerParamsView, initializeParams);
    }
}
