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
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
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
         * ~3 output sizes of garbage per window, which grew an inference run's peak pass after pass. Computed
         * as whole-volume element-wise operations per channel (max, exp(x - max), sum, divide) over contiguous
         * rows: libnd4j's softmax along a non-last axis of a 5-D array took 2.4x DL4J's reshaped path (paper
         * network's output at batch 1: 258 against 108 ms).
         */
        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (training || input == null || input.rank() != 5 || maskArray != null
                || layerConf().getDataFormat() != Convolution3D.DataFormat.NCDHW
                || !(layerConf().getActivationFn() instanceof ActivationSoftmax)) {
                return super.activate(training, workspaceMgr);
            }
            assertInputSet(false);
            INDArray x = Contiguous.of(input.castTo(dataType));
            long n = x.size(0);
            long c = x.size(1);
            long v = x.size(2) * x.size(3) * x.size(4);
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
            INDArray x3 = x.reshape('c', n, c, v);
            INDArray o3 = out.reshape('c', n, c, v);
            INDArray max = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, x.dataType(), new long[] {v}, 'c');
            INDArray sum = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, x.dataType(), new long[] {v}, 'c');
            for (long i = 0; i < n; i++) {
                max.assign(row(x3, i, 0));
                for (long k = 1; k < c; k++) {
                    Transforms.max(max, row(x3, i, k), false);
                }
                for (long k = 0; k < c; k++) {
                    INDArray e = row(o3, i, k);
                    row(x3, i, k).sub(max, e);
                    Transforms.exp(e, false);
                    if (k == 0) {
                        sum.assign(e);
                    } else {
                        sum.addi(e);
                    }
                }
                for (long k = 0; k < c; k++) {
                    row(o3, i, k).divi(sum);
                }
            }
            return out;
        }

        /** Channel k of example i of an [N, C, V] array: V contiguous values (a view). */
        private static INDArray row(INDArray a, long i, long k) {
            return a.get(NDArrayIndex.point(i), NDArrayIndex.point(k), NDArrayIndex.all());
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
