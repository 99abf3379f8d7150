package renalseg.networks;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.Convolution3DLayer;
import org.deeplearning4j.nn.params.Convolution3DParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The layer of {@link PointwiseConvolution3D}: GEMMs on [C, D*H*W] views of each example. */
public class PointwiseConvolution3DLayer extends Convolution3DLayer {

    private final OutputReuse reuse = new OutputReuse();

    public PointwiseConvolution3DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public void clear() {
        super.clear();
        reuse.forget();
    }

    private INDArray contiguousInput() {
        return Contiguous.of(input);
    }

    /** Pre-activation z = W x + b, [N, C_out, D, H, W] in the given array type's workspace. */
    private INDArray linear(boolean training, LayerWorkspaceMgr mgr, ArrayType type) {
        if (input.rank() != 5) {
            throw new IllegalStateException("PointwiseConvolution3D " + layerId() + ": input rank " + input.rank());
        }
        INDArray x = contiguousInput();
        long n = x.size(0);
        long cin = x.size(1);
        long v = x.size(2) * x.size(3) * x.size(4);
        INDArray w = getParamWithNoise(Convolution3DParamInitializer.WEIGHT_KEY, training, mgr);
        long cout = w.size(0);
        if (w.size(1) != cin) {
            throw new IllegalStateException("PointwiseConvolution3D " + layerId() + ": input has " + cin
                + " channels, layer expects " + w.size(1));
        }
        INDArray w2 = w.reshape('c', cout, cin);
        INDArray b = getParamWithNoise(Convolution3DParamInitializer.BIAS_KEY, training, mgr).reshape(cout, 1);
        INDArray out = mgr.createUninitialized(type, x.dataType(), new long[] {n, cout, x.size(2), x.size(3), x.size(4)},
            'c');
        INDArray x3 = x.reshape('c', n, cin, v);
        INDArray o3 = out.reshape('c', n, cout, v);
        for (long i = 0; i < n; i++) {
            INDArray oi = o3.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all());
            Nd4j.gemm(w2, x3.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all()), oi, false, false,
                1.0, 0.0);
            oi.addiColumnVector(b);
        }
        return out;
    }

    @Override
    public INDArray preOutput(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return linear(training, workspaceMgr, org.deeplearning4j.nn.workspace.ArrayType.ACTIVATIONS);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray z = linear(training, workspaceMgr, ArrayType.ACTIVATIONS);
        INDArray out = layerConf().getActivationFn().getActivation(z, training);
        reuse.remember(training && layerConf().getIDropout() == null, layerConf().getActivationFn(), input, out);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray x = contiguousInput();
        long n = x.size(0);
        long cin = x.size(1);
        long v = x.size(2) * x.size(3) * x.size(4);
        // dL/dz from the forward pass's output where the activation allows, else from a recomputed z
        INDArray delta = reuse.delta(layerConf().getActivationFn(), input, epsilon, workspaceMgr);
        if (delta == null) {
            INDArray z = linear(true, workspaceMgr, ArrayType.BP_WORKING_MEM);
            delta = layerConf().getActivationFn().backprop(z, epsilon.ordering() == 'c' ? epsilon
                : epsilon.dup('c')).getFirst();
        }
        delta = Contiguous.of(delta);
        INDArray w = getParamWithNoise(Convolution3DParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        long cout = w.size(0);
        INDArray w2 = w.reshape('c', cout, cin);
        INDArray x3 = x.reshape('c', n, cin, v);
        INDArray d3 = delta.reshape('c', n, cout, v);
        INDArray dW = Nd4j.createUninitialized(x.dataType(), cout, cin);
        INDArray epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
        INDArray e3 = epsOut.reshape('c', n, cin, v);
        for (long i = 0; i < n; i++) {
            INDArray di = d3.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all());
            INDArray xi = x3.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all());
            Nd4j.gemm(di, xi, dW, false, true, 1.0, i == 0 ? 0.0 : 1.0);
            Nd4j.gemm(w2, di, e3.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all()), true, false,
                1.0, 0.0);
        }
        INDArray weightGradView = gradientViews.get(Convolution3DParamInitializer.WEIGHT_KEY);
        INDArray biasGradView = gradientViews.get(Convolution3DParamInitializer.BIAS_KEY);
        weightGradView.assign(dW.reshape(weightGradView.shape()));
        biasGradView.assign(d3.sum(0, 2).reshape(biasGradView.shape()));
        Gradient g = new DefaultGradient();
        g.setGradientFor(Convolution3DParamInitializer.BIAS_KEY, biasGradView);
        g.setGradientFor(Convolution3DParamInitializer.WEIGHT_KEY, weightGradView, 'c');
        weightNoiseParams.clear();
        return new Pair<>(g, workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, epsOut));
    }
}
