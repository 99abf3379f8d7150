package renalseg.training;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import renalseg.augment.SampleTensor;

/**
 * An endless, deterministic stream of minibatches: sample n depends only on n, so a run resumed at a
 * checkpoint's {@code samplesSeen} continues exactly where it stopped.
 */
public abstract class SampleBatches implements Iterator<DataSet> {

    private final int batchSize;
    private final int classes;
    private final DataType dataType;
    private long next;

    protected SampleBatches(int batchSize, int classes, DataType dataType, long firstSample) {
        this.batchSize = batchSize;
        this.classes = classes;
        this.dataType = dataType;
        this.next = firstSample;
    }

    /** The n-th sample of the stream. */
    public abstract SampleTensor sample(long n);

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public DataSet next() {
        List<SampleTensor> b = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            b.add(sample(next++));
        }
        return Batches.toDataSet(b, classes, dataType);
    }

    /** Index of the next sample this iterator will draw. */
    public long position() {
        return next;
    }
}
