package renalseg.pipeline;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Kryo 4 (Spark's) cannot rebuild Java records (final fields, no Unsafe offsets for record classes): every
 * record goes through Java serialization instead (the libraries' value records are Serializable).
 */
public final class RecordKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
    }
}
