package renalseg.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * A folder laid out like a Spark 3.5 binary distribution, made from the jars of the Maven build: jars/
 * (symlinks into the local repository), conf/, and bin/spark-class, bin/spark-submit and
 * bin/load-spark-env.sh that work as the distribution's do (spark-class asks Spark's launcher library for
 * the java command line and runs it; load-spark-env.sh sets SPARK_SCALA_VERSION and reads conf/spark-env.sh).
 * What a cluster provides and the application jar must not carry; renalseg, DL4J/ND4J and their libraries
 * come only from the application jar. hadoop-aws and its AWS SDK are left out, as in Spark's own
 * distribution: the wrappers add them with --packages.
 */
final class SparkDistribution {

    /** Group ids of what the application jar brings and a Spark distribution does not have. */
    private static final Set<String> APPLICATION_GROUPS = Set.of("org.deeplearning4j", "org.nd4j", "org.datavec",
        "org.bytedeco", "info.picocli", "org.knowm.xchart", "com.typesafe", "de.javakaffee", "com.github.oshi",
        "net.java.dev.jna", "org.threeten", "it.unimi.dsi", "net.ericaro", "com.jakewharton.byteunits",
        "com.google.flatbuffers", "com.tdunning", "org.freemarker", "com.google.code.gson", "commons-net",
        "org.glassfish", "com.sun.activation",
        // spark-submit --packages: hadoop-aws and what it needs
        "org.apache.hadoop/hadoop-aws", "com.amazonaws", "org.wildfly.openssl",
        // test-only
        "org.junit.jupiter", "org.junit.platform", "org.opentest4j", "org.apiguardian", "org.gaul");

    final Path home;

    private SparkDistribution(Path home) {
        this.home = home;
    }

    static SparkDistribution create(Path home) throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        for (String entry : Loopback.testClasspath()) {
            Path jar = Path.of(entry);
            if (entry.endsWith(".jar") && isSpark(jar) && !Files.exists(jars.resolve(jar.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
            }
        }
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("log4j2.properties"), String.join("\n",
            "rootLogger.level = warn", "rootLogger.appenderRef.stderr.ref = console",
            "appender.console.type = Console", "appender.console.name = console", "appender.console.target = SYSTEM_ERR",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex",
            "logger.master.name = org.apache.spark.deploy", "logger.master.level = info", ""));
        Files.writeString(home.resolve("RELEASE"), "Spark (jars of the renalseg Maven build)\n");
        Path bin = Files.createDirectories(home.resolve("bin"));
        script(bin.resolve("load-spark-env.sh"), """
            #!/usr/bin/env bash
            # as Spark's: conf/spark-env.sh, then the Scala version the launcher needs to find the jars
            export SPARK_CONF_DIR="${SPARK_CONF_DIR:-$SPARK_HOME/conf}"
            [ -f "$SPARK_CONF_DIR/spark-env.sh" ] && . "$SPARK_CONF_DIR/spark-env.sh"
            export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.12}"
            """);
        script(bin.resolve("spark-class"), """
            #!/usr/bin/env bash
            # as Spark 3.5's: the launcher library prints its messages, a NUL line, then the java command
            # (NUL-separated) and its exit code
            export SPARK_HOME="$(cd "$(dirname "$0")/.." && pwd)"
            . "$SPARK_HOME/bin/load-spark-env.sh"
            RUNNER="${JAVA_HOME:+$JAVA_HOME/bin/}java"
            build_command() {
              "$RUNNER" -Xmx128m $SPARK_LAUNCHER_OPTS -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main "$@"
              printf "%d\\0" $?
            }
            set +o posix
            CMD=()
            DELIM=$'\\n'
            CMD_START_FLAG="false"
            while IFS= read -d "$DELIM" -r _ARG; do
              ARG=${_ARG//$'\\r'}
              if [ "$CMD_START_FLAG" == "true" ]; then
                CMD+=("$ARG")
              elif [ "$ARG" == $'\\0' ]; then
                DELIM=''
                CMD_START_FLAG="true"
              elif [ "$ARG" != "" ]; then
                echo "$ARG"
              fi
            done < <(build_command "$@")
            COUNT=${#CMD[@]}
            LAST=$((COUNT - 1))
            LAUNCHER_EXIT_CODE=${CMD[$LAST]}
            if ! [[ $LAUNCHER_EXIT_CODE =~ ^[0-9]+$ ]]; then echo "${CMD[@]}" | head -n-1 1>&2; exit 1; fi
            if [ "$LAUNCHER_EXIT_CODE" != 0 ]; then exit "$LAUNCHER_EXIT_CODE"; fi
            exec "${CMD[@]:0:$LAST}"
            """);
        script(bin.resolve("spark-submit"), """
            #!/usr/bin/env bash
            exec "$(cd "$(dirname "$0")" && pwd)/spark-class" org.apache.spark.deploy.SparkSubmit "$@"
            """);
        return new SparkDistribution(home);
    }

    /** The distribution's jars, as a classpath (e.g. beside the application jar for {@code version}). */
    String classpath() {
        return home.resolve("jars").toString() + "/*";
    }

    private static boolean isSpark(Path jar) {
        String p = jar.toString().replace('\\', '/');
        int repo = p.indexOf("/repository/");
        if (repo < 0) {
            return false;
        }
        // <repo>/<group path>/<artifact>/<version>/<file>
        List<String> parts = List.of(p.substring(repo + "/repository/".length()).split("/"));
        if (parts.size() < 4) {
            return false;
        }
        String group = String.join(".", parts.subList(0, parts.size() - 3));
        String artifact = parts.get(parts.size() - 3);
        return !APPLICATION_GROUPS.contains(group) && !APPLICATION_GROUPS.contains(group + "/" + artifact);
    }

    private static void script(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
