package renalseg.training;

import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import renalseg.config.ConfigError;
import renalseg.networks.NetworkSetup;

/**
 * The {@code train} section: SGD with classical momentum, L2 on all parameters, a multistep learning-rate
 * decay (x gamma after each listed epoch, an epoch being {@code iterationsPerEpoch} iterations),
 * class-weighted cross-entropy, plus a soft-Dice term weighted {@code diceWeight} (0: the paper's loss). One iteration = one minibatch of {@code batchSize} samples.
 */
public record TrainSettings(int epochs, int iterationsPerEpoch, int batchSize, double learningRate, double momentum,
                            double l2, int[] lrDecayEpochs, double lrDecayGamma, double[] classWeights, double diceWeight, long seed,
                            int checkpointEvery, int logEvery, String dataType) {

    public TrainSettings {
        lrDecayEpochs = lrDecayEpochs.clone();
        classWeights = classWeights.clone();
        if (epochs < 1 || iterationsPerEpoch < 1 || batchSize < 1) {
            throw new ConfigError("train: epochs, iterations-per-epoch and batch-size must be >= 1");
        }
        if (!(learningRate > 0) || momentum < 0 || momentum >= 1 || l2 < 0 || !(lrDecayGamma > 0)) {
            throw new ConfigError("train: need learning-rate > 0, 0 <= momentum < 1, l2 >= 0, lr-decay-gamma > 0");
        }
        if (Arrays.stream(classWeights).anyMatch(w -> !(w >= 0))) {
            throw new ConfigError("train.class-weights must be >= 0");
        }
        if (!(diceWeight >= 0)) {
            throw new ConfigError("train.dice-weight must be >= 0, got " + diceWeight);
        }
        if (checkpointEvery < 0 || logEvery < 1) {
            throw new ConfigError("train: checkpoint-every >= 0 and log-every >= 1");
        }
        if (!dataType.equals("float") && !dataType.equals("double")) {
            throw new ConfigError("train.data-type must be float or double, got " + dataType);
        }
    }

    public static TrainSettings from(Config root) {
        Config c = root.getConfig("train");
        return new TrainSettings(c.getInt("epochs"), c.getInt("iterations-per-epoch"), c.getInt("batch-size"),
            c.getDouble("learning-rate"), c.getDouble("momentum"), c.getDouble("l2"),
            c.getIntList("lr-decay-epochs").stream().mapToInt(Integer::intValue).toArray(),
            c.getDouble("lr-decay-gamma"),
            c.getDoubleList("class-weights").stream().mapToDouble(Double::doubleValue).toArray(), c.getDouble("dice-weight"),
            c.getLong("seed"), c.getInt("checkpoint-every"), c.getInt("log-every"), c.getString("data-type"));
    }

    public long totalIterations() {
        return (long) epochs * iterationsPerEpoch;
    }

    /** Learning rate of (0-based) iteration {@code it}. */
    public double learningRateAt(long it) {
        double lr = learningRate;
        long epoch = it / iterationsPerEpoch;
        for (int e : lrDecayEpochs) {
            if (epoch >= e) {
                lr *= lrDecayGamma;
            }
        }
        return lr;
    }

    /** The same schedule for DL4J (by iteration, so it needs no epoch bookkeeping from the data source). */
    public MapSchedule schedule() {
        Map<Integer, Double> m = new HashMap<>();
        m.put(0, learningRate);
        for (int e : lrDecayEpochs) {
            long it = (long) e * iterationsPerEpoch;
            if (it > Integer.MAX_VALUE) {
                throw new ConfigError("train: decay epoch " + e + " x iterations-per-epoch exceeds 2^31 iterations");
            }
            m.put((int) it, learningRateAt(it));
        }
        return new MapSchedule(ScheduleType.ITERATION, m);
    }

    public DataType nd4jDataType() {
        return dataType.equals("double") ? DataType.DOUBLE : DataType.FLOAT;
    }

    /** What the network builder needs for training with these settings. */
    public NetworkSetup networkSetup() {
        return new NetworkSetup(new SgdMomentum(learningRate, schedule(), momentum), l2, classWeights, diceWeight,
            nd4jDataType(), seed);
    }

    public TrainSettings withIterations(int epochs, int iterationsPerEpoch) {
        return new TrainSettings(epochs, iterationsPerEpoch, batchSize, learningRate, momentum, l2, lrDecayEpochs,
            lrDecayGamma, classWeights, diceWeight, seed, checkpointEvery, logEvery, dataType);
    }
}
