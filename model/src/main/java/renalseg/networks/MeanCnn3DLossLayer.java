package renalseg.networks;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * DL4J's Cnn3DLossLayer (softmax over channels, NCDHW) except that its score is the loss function's
 * value as it is, not divided by the minibatch size: with {@link WeightedMeanCrossEntropy} the loss is
 * already PyTorch's weighted mean over all voxels of the minibatch. Networks using it are built with
 * {@code miniBatch(false)} so that the updater does not divide the gradient either.
 */
public class MeanCnn3DLossLayer extends Cnn3DLossLayer {

    public MeanCnn3DLossLayer() {
        super();
    }

    public static MeanCnn3DLossLayer of(ILossFunction loss) {
        MeanCnn3DLossLayer l = new MeanCnn3DLossLayer();
        l.setLossFn(loss);
        l.setActivationFn(Activation.SOFTMAX.getActivationFunction());
        l.setDataFormat(Convolution3D.DataFormat.NCDHW);
        return l;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return LayerWiring.wire(new Impl(conf, networkDataType), this, conf, listeners, layerIndex,
            layerParamsView, initializeParams);
    }

    /** The layer: scores without the division by the minibatch size. */
    public static class Impl extends org.deeplearning4j.nn.layers.convolution.Cnn3DLossLayer {

        public Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
            Convolution3D.DataFormat fmt = layerConf().getDataFormat();
            INDArray input2d = ConvolutionUtils.reshape5dTo2d(fmt, input, workspaceMgr, ArrayType.FF_WORKING_MEM);
            INDArray labels2d = ConvolutionUtils.reshape5dTo2d(fmt, labels, workspaceMgr, ArrayType.FF_WORKING_MEM);
            INDArray mask = ConvolutionUtils.reshapeCnn3dMask(fmt, maskArray, input, workspaceMgr,
                ArrayType.FF_WORKING_MEM);
            double s = layerConf().getLossFn().computeScore(labels2d, input2d.dup(), layerConf().getActivationFn(),
                mask, false);
            this.score = s + fullNetRegTerm;
            return this.score;
        }
    }
}
