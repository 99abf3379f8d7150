package renalseg.networks;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * What a graph needs beyond its layout: the updater (with its learning-rate schedule), L2 on all
 * parameters, the loss (class weights of the cross-entropy and the weight of the soft-Dice term, 0 for the
 * paper's cross-entropy alone), the data type and the initialization seed.
 */
public record NetworkSetup(IUpdater updater, double l2, double[] classWeights, double diceWeight, DataType dataType,
                           long seed) {

    public NetworkSetup {
        classWeights = classWeights.clone();
    }

    /** The output layer's loss: the paper's weighted cross-entropy, plus nnU-Net's soft Dice when weighted. */
    public ILossFunction loss() {
        return diceWeight > 0 ? new CrossEntropyDiceLoss(classWeights, diceWeight)
            : new WeightedMeanCrossEntropy(classWeights);
    }

    /** For inference and tests: no updates, paper class weights, float32. */
    public static NetworkSetup inference(long seed) {
        return new NetworkSetup(new NoOp(), 0.0, new double[] {0.2, 1.0, 2.0}, 0.0, DataType.FLOAT, seed);
    }

    public NetworkSetup withDataType(DataType dt) {
        return new NetworkSetup(updater, l2, classWeights, diceWeight, dt, seed);
    }

    public NetworkSetup withUpdater(IUpdater u) {
        return new NetworkSetup(u, l2, classWeights, diceWeight, dataType, seed);
    }
}
