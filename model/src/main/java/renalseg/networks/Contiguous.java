package renalseg.networks;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The layers' GEMM paths reshape their operands into matrices, which needs a whole c-ordered buffer. */
final class Contiguous {

    private Contiguous() {
    }

    /** {@code a} itself when it is a c-ordered array of its own, else a c-ordered copy. */
    static INDArray of(INDArray a) {
        return a.ordering() == 'c' && !a.isView() ? a : a.dup('c');
    }

    /**
     * The first elements of a c-ordered buffer as a c-ordered array of the given shape (a view, no copy): one
     * working buffer sized for the largest chunk of a loop serves every chunk, the last and smaller one too.
     */
    static INDArray leading(INDArray buffer, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n > buffer.length()) {
            throw new IllegalArgumentException("a buffer of " + buffer.length() + " elements cannot hold " + n);
        }
        return buffer.reshape('c', new long[] {buffer.length()}).get(NDArrayIndex.interval(0, n)).reshape('c', shape);
    }
}
