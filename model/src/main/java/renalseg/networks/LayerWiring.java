package renalseg.networks;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What every DL4J layer configuration's {@code instantiate} does once it has made its layer: listeners,
 * index, the parameter view and its table (from the configuration's initializer), the configuration.
 */
final class LayerWiring {

    private LayerWiring() {
    }

    static <L extends Layer> L wire(L layer, org.deeplearning4j.nn.conf.layers.Layer config, NeuralNetConfiguration conf,
                                    Collection<TrainingListener> listeners, int layerIndex, INDArray layerParamsView,
                                    boolean initializeParams) {
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        layer.setParamTable(config.initializer().init(conf, layerParamsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    /** {@link #wire} for our 3-D (de)convolution subclasses, after DL4J's own check that nIn and nOut are set. */
    static <L extends Layer> L wireConvolution(L layer, ConvolutionLayer config, NeuralNetConfiguration conf,
                                               Collection<TrainingListener> listeners, int layerIndex,
                                               INDArray layerParamsView, boolean initializeParams) {
        LayerValidation.assertNInNOutSet(config.getClass().getSimpleName(), config.getLayerName(), layerIndex,
            config.getNIn(), config.getNOut());
        return wire(layer, config, conf, listeners, layerIndex, layerParamsView, initializeParams);
    }
}
