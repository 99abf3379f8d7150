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
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
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

        /**
         * Inference: the softmax over the channel axis of the NCDHW input, straight into the output array. DL4J's
         * layer reshapes to [N*D*H*W, C] and back, two copies of the output that an inference pass leaves
         * behind outside any workspace (the output layer's arrays are detached) until the JVM collects them:
         * ~3 output sizes of garbage per window, which grew an inference run's peak pass after pass.
         */
        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (training || input == null || input.rank() != 5 || maskArray != null
                || layerConf().getDataFormat() != Convolution3D.DataFormat.NCDHW
                || !(layerConf().getActivationFn() instanceof ActivationSoftmax)) {
                return super.activate(training, workspaceMgr);
            }
            assertInputSet(false);
            INDArray x = input.castTo(dataType);
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
            Nd4j.exec((CustomOp) new SoftMax(x, out, 1));
            return out;
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
