package renalseg.pipeline;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Makes the SparkSession every stage shares. */
public final class Sparks {

    /** ND4J arrays in broadcasts and RDDs need ND4J's Kryo registrations (off-heap buffers). */
    public static final String KRYO_REGISTRATOR = "org.nd4j.kryo.Nd4jRegistrator";

    private Sparks() {
    }

    public static SparkConf sparkConf(SparkSettings settings) {
        // new SparkConf() reads the spark.* system properties spark-submit sets (master, jars, ...)
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster(settings.master());
        }
        if (!conf.contains("spark.app.name")) {
            conf.setAppName(settings.appName());
        }
        conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.set("spark.kryo.registrator", KRYO_REGISTRATOR);
        // one volume per task; the default 64 MB Kryo buffer is too small for a large ROI
        conf.setIfMissing("spark.kryoserializer.buffer.max", "1g");
        // per-case work is coarse: few shuffle partitions unless the user says otherwise
        conf.setIfMissing("spark.sql.shuffle.partitions", "16");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        for (Map.Entry<String, String> e : settings.conf().entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        return conf;
    }

    public static SparkSession session(SparkSettings settings) {
        return SparkSession.builder().config(sparkConf(settings)).getOrCreate();
    }
}
