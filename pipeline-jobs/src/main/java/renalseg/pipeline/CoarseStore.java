package renalseg.pipeline;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.broadcast.Broadcast;
import renalseg.localization.CoarseVolume;

/**
 * Coarse scans in tables (gzipped Java serialization of the record: it is small, about 1 MB a scan) and,
 * on executors, decoded once per broadcast for every task of the localizer's training.
 */
public final class CoarseStore {

    private static final Map<Long, List<CoarseVolume>> DECODED = new ConcurrentHashMap<>();
    private static final Map<Long, Object> SAMPLERS = new ConcurrentHashMap<>();

    private CoarseStore() {
    }

    public static byte[] encode(CoarseVolume v) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(new GZIPOutputStream(bytes, 1 << 16))) {
            out.writeObject(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static CoarseVolume decode(byte[] packed) {
        try (ObjectInputStream in = new ObjectInputStream(new GZIPInputStream(new ByteArrayInputStream(packed)))) {
            return (CoarseVolume) in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The broadcast scans, decoded on first use in this JVM. */
    public static List<CoarseVolume> get(Broadcast<ArrayList<byte[]>> packed) {
        return DECODED.computeIfAbsent(packed.id(), id -> {
            List<CoarseVolume> out = new ArrayList<>();
            for (byte[] p : packed.value()) {
                out.add(decode(p));
            }
            return out;
        });
    }

    /** One sampler over the broadcast scans per JVM, made by {@code make} on first use. */
    @SuppressWarnings("unchecked")
    public static <T> T sampler(Broadcast<ArrayList<byte[]>> packed, Function<List<CoarseVolume>, T> make) {
        return (T) SAMPLERS.computeIfAbsent(packed.id(), id -> make.apply(get(packed)));
    }

    /** Drops the decoded scans of a broadcast (after training; the driver's JVM may be an executor too). */
    public static void release(Broadcast<ArrayList<byte[]>> packed) {
        DECODED.remove(packed.id());
        SAMPLERS.remove(packed.id());
    }
}
