package renalseg.pipeline;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Makes the SparkSession every stage shares. */
public final class Sparks {

    /** ND4J arrays in broadcasts and RDDs need ND4J's Kryo registrations (off-heap buffers). */
    public static final String KRYO_REGISTRATOR = "org.nd4j.kryo.Nd4jRegistrator";

    static final String TIME_SOURCE_PROPERTY = "org.deeplearning4j.spark.time.TimeSource";
    static final String SYSTEM_CLOCK = "org.deeplearning4j.spark.time.SystemClockTimeSource";

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
        // one volume per task; the default 64 MB Kryo buffer is too small for a large ROI
        conf.setIfMissing("spark.kryoserializer.buffer.max", "1g");
        // per-case work is coarse: few shuffle partitions unless the user says otherwise
        conf.setIfMissing("spark.sql.shuffle.partitions", "16");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        for (Map.Entry<String, String> e : settings.conf().entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        // Kryo always, with ND4J's registrations and ours (records), whatever else the user registers
        conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        java.util.LinkedHashSet<String> regs = new java.util.LinkedHashSet<>();
        regs.add(KRYO_REGISTRATOR);
        regs.add(RecordKryoRegistrator.class.getName());
        for (String r : conf.get("spark.kryo.registrator", "").split(",")) {
            if (!r.isBlank()) {
                regs.add(r.trim());
            }
        }
        conf.set("spark.kryo.registrator", String.join(",", regs));
        // DL4J's training statistics would ask a public NTP server for the time (and die offline)
        System.setProperty(TIME_SOURCE_PROPERTY, SYSTEM_CLOCK);
        String execOpts = conf.get("spark.executor.extraJavaOptions", "");
        if (!execOpts.contains(TIME_SOURCE_PROPERTY)) {
            conf.set("spark.executor.extraJavaOptions", (execOpts + " -D" + TIME_SOURCE_PROPERTY + "=" + SYSTEM_CLOCK).trim());
        }
        return conf;
    }

    public static SparkSession session(SparkSettings settings) {
        return SparkSession.builder().config(sparkConf(settings)).getOrCreate();
    }
}
