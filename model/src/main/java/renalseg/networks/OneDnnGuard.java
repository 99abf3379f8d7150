package renalseg.networks;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Switches ND4J's platform helpers (oneDNN in the {@code -onednn} build) off while at least one holder
 * is open. libnd4j's oneDNN conv3d helper cannot create dilated primitives ("could not create a descriptor
 * for a dilated convolution forward propagation primitive"), so dilated layers run the generic kernels.
 * The switch is process-wide ({@code Nd4j.getEnvironment().allowHelpers}), so it is reference-counted:
 * concurrent Spark tasks in one JVM each open and close their own hold, and helpers come back only when
 * the last one closes. While held, other threads' layers also run without oneDNN: slower, never wrong.
 */
public final class OneDnnGuard implements AutoCloseable {

    private static final Object LOCK = new Object();
    private static int holders;
    private static boolean restoreTo;

    private boolean open = true;

    private OneDnnGuard() {
    }

    /** Opens a hold: helpers are off until every open hold is closed. */
    public static OneDnnGuard helpersOff() {
        synchronized (LOCK) {
            if (holders++ == 0) {
                restoreTo = Nd4j.getEnvironment().helpersAllowed();
                Nd4j.getEnvironment().allowHelpers(false);
            }
        }
        return new OneDnnGuard();
    }

    /** Number of open holds (for tests). */
    public static int holders() {
        synchronized (LOCK) {
            return holders;
        }
    }

    @Override
    public void close() {
        synchronized (LOCK) {
            if (!open) {
                return;
            }
            open = false;
            if (--holders == 0) {
                Nd4j.getEnvironment().allowHelpers(restoreTo);
            }
        }
    }
}
