package renalseg.networks;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * How many threads libnd4j's native operations use, and which device the calling thread works on. Left
 * alone, every libnd4j call may use all of the node's cores, so N Spark tasks in one JVM would run N x cores
 * threads. nd4j-native reads OMP_NUM_THREADS only when it loads, so a per-task limit must go through its
 * runtime calls: how many of libnd4j's pool threads one operation uses ({@code setMaxMasterThreads}, the
 * default of its parallel_for; process-wide, capped at the pool's size. {@code setMaxThreads} is a no-op in
 * 1.0.0-M2.1: the pool's size is fixed when the library loads), OpenMP's per-thread default
 * ({@code omp_set_num_threads}, which libnd4j's and oneDNN's parallel regions opened from the calling thread
 * follow) and OpenBLAS's pool (process-wide). Tasks of one stage share one count, so the process-wide
 * settings do not fight.
 */
public final class NativeThreads {

    private NativeThreads() {
    }

    /** Caps native threads for work started from the calling thread (and the process's pools) at {@code n}. */
    public static void use(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("native threads must be >= 1, got " + n);
        }
        var env = Nd4j.getEnvironment();
        if (env.maxMasterThreads() != n) {
            env.setMaxMasterThreads(n);
        }
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
        try {
            Nd4j.factory().blas().setMaxThreads(n);
        } catch (RuntimeException noBlasPool) {
            // backends without a BLAS thread pool (CUDA) have nothing to cap
        }
    }

    /** Threads one libnd4j operation uses now (at most the pool's size). */
    public static int current() {
        return Nd4j.getEnvironment().maxMasterThreads();
    }

    /** libnd4j's pool size, fixed at load (OMP_NUM_THREADS or the cores): the most {@link #use} can give. */
    public static int pool() {
        return Nd4j.getEnvironment().maxThreads();
    }

    /**
     * Binds the calling thread to device {@code address} (a Spark GPU address is the CUDA ordinal, as
     * nvidia-smi numbers them). ND4J keeps the binding per thread, so every array the task makes lives there.
     * The CPU backend has one device and ignores this; the address is still what the caller records.
     */
    public static void bindDevice(String address) {
        if (address == null) {
            return;
        }
        int ordinal;
        try {
            ordinal = Integer.parseInt(address.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GPU address '" + address + "' is not a device ordinal", e);
        }
        if (Nd4j.getAffinityManager().getNumberOfDevices() > 1) {
            Nd4j.getAffinityManager().unsafeSetDevice(ordinal);
        }
    }
}
