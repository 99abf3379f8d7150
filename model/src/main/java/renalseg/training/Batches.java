package renalseg.training;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import renalseg.augment.SampleTensor;

/** Sample tensors to DL4J minibatches: features [B, 1, D, H, W], one-hot labels [B, classes, D, H, W]. */
public final class Batches {

    private Batches() {
    }

    public static DataSet toDataSet(List<SampleTensor> samples, int classes, DataType dataType) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("empty minibatch");
        }
        SampleTensor first = samples.get(0);
        int d = first.depth();
        int h = first.height();
        int w = first.width();
        int n = d * h * w;
        float[] f = new float[samples.size() * n];
        float[] l = new float[samples.size() * classes * n];
        for (int b = 0; b < samples.size(); b++) {
            SampleTensor s = samples.get(b);
            if (s.depth() != d || s.height() != h || s.width() != w) {
                throw new IllegalArgumentException("samples of one minibatch differ in size");
            }
            System.arraycopy(s.features(), 0, f, b * n, n);
            System.arraycopy(s.oneHot(classes), 0, l, b * classes * n, classes * n);
        }
        INDArray features = Nd4j.create(f, new long[] {samples.size(), 1, d, h, w}, 'c').castTo(dataType);
        INDArray labels = Nd4j.create(l, new long[] {samples.size(), classes, d, h, w}, 'c').castTo(dataType);
        return new DataSet(features, labels);
    }
}
