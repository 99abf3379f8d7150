# Shared by submit/standalone, submit/yarn and submit/kubernetes: builds the spark-submit command line.
# Environment:
#   SPARK_HOME           Spark 3.5.x (Scala 2.12) installation (spark-submit is $SPARK_HOME/bin/spark-submit)
#   RENALSEG_JAR         application jar (default: pipeline-jobs/target/renalseg-dist.jar; build it with
#                        mvn -Pdist -pl pipeline-jobs -am package -DskipTests, add -Pcuda for GPU executors)
#   RENALSEG_CONFIG      renalseg configuration file (HOCON), shipped with --files
#   EXECUTORS, EXECUTOR_CORES, EXECUTOR_MEMORY, EXECUTOR_OVERHEAD, DRIVER_MEMORY   sizing
#   GPUS_PER_EXECUTOR    GPUs per executor (0 = CPU); with GPUs, GPU stages run one task per GPU with
#                        EXECUTOR_CORES / GPUS_PER_EXECUTOR cores each, CPU stages one task per core
#   SPARK_SUBMIT_EXTRA   extra spark-submit options (word-split)
# Arguments after the options are the pipeline's: --cohort URI --run DIR --stages ... --set k=v --resume
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 (Scala 2.12) installation}"
RENALSEG_JAR="${RENALSEG_JAR:-$ROOT/pipeline-jobs/target/renalseg-dist.jar}"
[[ "$RENALSEG_JAR" == local://* || -f "$RENALSEG_JAR" ]] || { echo "renalseg: $RENALSEG_JAR is missing: mvn -Pdist -pl pipeline-jobs -am package -DskipTests" >&2; exit 2; }
: "${RENALSEG_CONFIG:?set RENALSEG_CONFIG to the configuration file (e.g. conf/cluster-s3.conf)}"
[[ -f "$RENALSEG_CONFIG" ]] || { echo "renalseg: configuration $RENALSEG_CONFIG not found" >&2; exit 2; }

# The Java 17 options Spark needs (spark-submit adds them for the driver; executors get them here too),
# and one JavaCPP cache per node rather than per container.
JAVA17_OPTS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"
NATIVE_CACHE="${RENALSEG_NATIVE_CACHE:-/tmp/javacpp-cache}"
JVM_OPTS="$JAVA17_OPTS -Dorg.bytedeco.javacpp.cachedir=$NATIVE_CACHE -Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource"

HADOOP_AWS_VERSION="${HADOOP_AWS_VERSION:-3.3.4}"   # must equal the cluster's Hadoop version

submit_args() {
  local args=(
    --class renalseg.cli.Main
    --name "${APP_NAME:-renalseg}"
    --packages "org.apache.hadoop:hadoop-aws:$HADOOP_AWS_VERSION"
    --driver-memory "${DRIVER_MEMORY:-8g}"
    --executor-memory "${EXECUTOR_MEMORY:-16g}"
    --executor-cores "${EXECUTOR_CORES:-4}"
    --conf "spark.executor.memoryOverhead=${EXECUTOR_OVERHEAD:-8g}"
    --conf "spark.driver.extraJavaOptions=$JVM_OPTS"
    --conf "spark.executor.extraJavaOptions=$JVM_OPTS"
    --conf "spark.executorEnv.OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}"
    --conf "spark.executorEnv.MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-4194304}"
    --conf "spark.serializer=org.apache.spark.serializer.KryoSerializer"
    --conf "spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator,renalseg.pipeline.RecordKryoRegistrator"
  )
  local files="$RENALSEG_CONFIG"
  local gpus="${GPUS_PER_EXECUTOR:-0}"
  if (( gpus > 0 )); then
    args+=(
      --conf "spark.executor.resource.gpu.amount=$gpus"
      --conf "spark.task.resource.gpu.amount=1"
      --conf "spark.executor.resource.gpu.discoveryScript=./getGpusResources.sh"
      # the default profile is the GPU stages': one task per GPU, each with its share of the cores (its
      # native threads follow them); CPU stages switch to a 1-CPU, no-GPU task profile (ResourceProfiles)
      --conf "spark.task.cpus=$(( ${EXECUTOR_CORES:-4} / gpus > 0 ? ${EXECUTOR_CORES:-4} / gpus : 1 ))"
    )
  fi
  (( gpus > 0 )) && files="$files,$ROOT/submit/getGpusResources.sh"
  args+=(--files "$files")
  # shellcheck disable=SC2206
  [[ -n "${SPARK_SUBMIT_EXTRA:-}" ]] && args+=(${SPARK_SUBMIT_EXTRA})
  printf '%s\n' "${args[@]}"
}

# The pipeline command: the configuration by its base name (it travels with --files into the working
# directory of the driver in cluster mode; in client mode the local path is used).
pipeline_args() {
  local cfg="$RENALSEG_CONFIG"
  [[ "${DEPLOY_MODE:-client}" == cluster ]] && cfg="$(basename "$RENALSEG_CONFIG")"
  printf '%s\n' pipeline --config "$cfg" "$@"
}

run_submit() {
  local master="$1"; shift
  local -a sargs pargs
  mapfile -t sargs < <(submit_args)
  mapfile -t pargs < <(pipeline_args "$@")
  set -x
  exec "$SPARK_HOME/bin/spark-submit" --master "$master" --deploy-mode "${DEPLOY_MODE:-client}" \
    "${sargs[@]}" "${EXTRA_SUBMIT[@]}" "$RENALSEG_JAR" "${pargs[@]}"
}
