package renalseg.networks;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The layers' GEMM paths reshape their operands into matrices, which needs a whole c-ordered buffer. */
final class Contiguous {

    private Contiguous() {
    }

    /** {@code a} itself when it is a c-ordered array of its own, else a c-ordered copy. */
    static INDArray of(INDArray a) {
        return a.ordering() == 'c' && !a.isView() ? a : a.dup('c');
    }
}
