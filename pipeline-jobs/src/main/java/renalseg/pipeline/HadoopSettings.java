package renalseg.pipeline;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The spark.hadoop.* settings of the session (endpoints, path-style access, credential providers), carried
 * to executor code that opens files itself. Never printed: values may hold credentials.
 */
public final class HadoopSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    private final HashMap<String, String> settings;
    private transient Configuration conf;

    private HadoopSettings(HashMap<String, String> settings) {
        this.settings = settings;
    }

    public static HadoopSettings of(SparkConf sparkConf) {
        HashMap<String, String> m = new HashMap<>();
        for (Tuple2<String, String> kv : sparkConf.getAll()) {
            if (kv._1().startsWith("spark.hadoop.")) {
                m.put(kv._1().substring("spark.hadoop.".length()), kv._2());
            }
        }
        return new HadoopSettings(m);
    }

    /**
     * The Hadoop configuration of these settings, one per JVM for equal settings: every task gets its own
     * copy of this object, and a fresh Configuration parses Hadoop's XML defaults on first use (0.2-0.4 s,
     * longer than reading a NIfTI header), so the JVM's tasks share one, as Spark's own hadoopConfiguration.
     */
    public synchronized Configuration configuration() {
        if (conf == null) {
            conf = SHARED.computeIfAbsent(settings, s -> {
                Configuration c = new Configuration();
                for (Map.Entry<String, String> e : s.entrySet()) {
                    c.set(e.getKey(), e.getValue());
                }
                return c;
            });
        }
        return conf;
    }

    private static final java.util.concurrent.ConcurrentHashMap<Map<String, String>, Configuration> SHARED =
        new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public String toString() {
        return "HadoopSettings(" + settings.size() + " keys)";
    }
}
