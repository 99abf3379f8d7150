#!/bin/bash
# Issue 16 item 4: preprocess + infer seconds on 1 and on 2 Spark standalone workers (1 core each, one 1-core
# executor per worker) on 127.0.0.1, submitted with submit/standalone and the application jar as users run it
# (pipeline-jobs/src/test/java/renalseg/pipeline/WorkerScalingBench.java). Stages ingest..infer with
# --pretrained (an untrained small-preset network: weights do not change the cost), label ROIs; runs
# interleaved 1,2,1,2,... on a fresh cluster each. Target: speed-up >= 1.8x; nothing here asserts it.
# usage: bench/workers-scaling.sh [-Dbench.cases=8] [-Dbench.size=small|standard] [-Dbench.reps=2]
#          [-Dbench.set='run.partitions=8;...'] [-Dbench.pretrained=RUN/checkpoints] [-Dbench.dir=DIR] [MVN_OPTION...]
#   Options go to Maven as they are (e.g. -o for offline).
# Environment: OUT (JSON lines, default /tmp/renalseg-workers-scaling.jsonl).
# Prints a JSON line per run (workers, rep, preprocess_s, infer_s, load1 ...), one with the native threads a
# task binds on a 1-core executor, and a summary: medians per worker count, speed-up of (preprocess + infer).
# Needs 3+ free cores to mean anything (2 executors + the driver). Takes: the application jar build when it
# is stale (DistJar, ~30 s here), then ~1-1.5 min per run (cluster start, JVMs, the five stages). Measured:
# 2 small cases, 1 rep (-Dbench.cases=2 -Dbench.reps=1): 3 min 40 s in all on a 2-core host at load ~5, jar
# build included; the defaults (8 cases, 4 runs) should take ~6-10 min.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/renalseg-workers-scaling.jsonl}
# ND4J's OpenMP threads wait passively (as the launcher and the tests): spinning would steal the other
# executor's core
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
# -am compiles the modules the test needs; the test builds the application jar itself when it is stale
# (DistJar: mvn -Pdist -pl pipeline-jobs -am package, as docs/cluster.md says), before anything is timed
mvn -B -q -pl pipeline-jobs -am test -Dtest=WorkerScalingBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.out="$out" "$@" || {
  echo "the bench failed; see pipeline-jobs/target/surefire-reports/renalseg.pipeline.WorkerScalingBench*" >&2
  exit 1
}
cat "$out"
