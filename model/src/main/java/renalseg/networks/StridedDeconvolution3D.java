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

    /**
     * Channels that a {@link ChannelConcatVertex} appends after this layer's output (the decoder's skip
     * connection), or 0. In training the layer then writes its output into the first channels of a buffer
     * that wide, and the concatenation fills the rest in place instead of copying this output
     * ({@link ConcatBuffer}). Absent from older checkpoints' JSON, where it reads as 0.
     */
    private int channelsAfter;

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

    /** Reserves {@code channels} after this layer's output for the concatenation that follows it. */
    public StridedDeconvolution3D concatenatedWith(int channels) {
        if (channels < 0) {
            throw new IllegalArgumentException("channels after the output: " + channels);
        }
        this.channelsAfter = channels;
        return this;
    }

    public int getChannelsAfter() {
        return channelsAfter;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return LayerWiring.wireConvolution(new StridedDeconvolution3DLayer(conf, networkDataType), this, conf,
            listeners, layerIndex, layerParamsView, initializeParams);
    }
}
