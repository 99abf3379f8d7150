package renalseg.networks;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * What a graph needs beyond its layout: the updater (with its learning-rate schedule), L2 on all
 * parameters, the class weights of the loss, the data type and the initialization seed.
 */
public record NetworkSetup(IUpdater updater, double l2, double[] classWeights, DataType dataType, long seed) {

    public NetworkSetup {
        classWeights = classWeights.clone();
    }

    /** For inference and tests: no updates, paper class weights, float32. */
    public static NetworkSetup inference(long seed) {
        return new NetworkSetup(new NoOp(), 0.0, new double[] {0.2, 1.0, 2.0}, DataType.FLOAT, seed);
    }

    public NetworkSetup withDataType(DataType dt) {
        return new NetworkSetup(updater, l2, classWeights, dt, seed);
    }

    public NetworkSetup withUpdater(IUpdater u) {
        return new NetworkSetup(u, l2, classWeights, dataType, seed);
    }
}
