#!/bin/bash
# `bench model` against the PyTorch twin of the network, interleaved (DL4J, PyTorch, DL4J, PyTorch, ...)
# so that both see the same load on a shared host. Each run is its own process (clean peak memory).
# usage: bench/model-vs-pytorch.sh TWIN_DIR [OUT_FILE] [RUNS] [CASE...]
#   TWIN_DIR  folder of the PyTorch twin (holds bench.py; run with /usr/bin/python3, 2 threads)
#   OUT_FILE  JSON lines, one per run and implementation (default /tmp/renalseg-model-vs-pytorch.jsonl)
#   RUNS      interleaved runs per case (default 5)
#   CASE      config:mode:batch, default: paper:forward:1 paper:train:1 paper:forward:2 paper:train:2
#             small:forward:4 small:train:4
# Environment: RENALSEG (the launcher, default submit/renalseg), BEFORE (optional: a second launcher, e.g. of
# an older build, run in the same interleaving; its rows are labelled dl4j-before), REPEATS (timed steps per run, default 3),
# WARMUP (untimed steps per run, default 1), THREADS (PyTorch threads, default 2).
# Prints, per case, the median over runs of each run's median step time and peak resident memory, the
# DL4J/PyTorch ratios and the 1-minute load average seen by the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
twin=${1:?usage: bench/model-vs-pytorch.sh TWIN_DIR [OUT_FILE] [RUNS] [CASE...]}
out=${2:-/tmp/renalseg-model-vs-pytorch.jsonl}
runs=${3:-5}
shift $(( $# < 3 ? $# : 3 ))
cases=("$@")
[[ ${#cases[@]} -gt 0 ]] || cases=(paper:forward:1 paper:train:1 paper:forward:2 paper:train:2 small:forward:4 small:train:4)
launcher=${RENALSEG:-submit/renalseg}
repeats=${REPEATS:-3}
warmup=${WARMUP:-1}
threads=${THREADS:-2}
# Both sides wait passively at OpenMP barriers (the launcher's default): spinning threads of either side
# would steal the other's cores on a shared host and the comparison would measure the scheduler.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
# Likewise the glibc mmap threshold the launcher sets (4 MB): it lowers both sides' peaks (PyTorch's paper
# training step 1.66 -> 1.41 GB), so both run with it; export another value to compare otherwise.
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-4194304}
[[ -f "$twin/bench.py" ]] || { echo "no bench.py in $twin" >&2; exit 2; }
RENALSEG_NO_BUILD= "$launcher" version >/dev/null  # builds now if needed, not in the middle of a run
: > "$out"
for c in "${cases[@]}"; do
  IFS=: read -r cfg mode batch <<< "$c"
  for ((i = 1; i <= runs; i++)); do
    echo "$c run $i/$runs: $(uptime)" >&2
    RENALSEG_NO_BUILD=1 "$launcher" bench model --model "$cfg" --batch "$batch" --mode "$mode" \
      --repeats "$repeats" --warmup "$warmup" 2>/dev/null | grep '^{' >> "$out"
    if [[ -n "${BEFORE:-}" ]]; then
      RENALSEG_NO_BUILD=1 "$BEFORE" bench model --model "$cfg" --batch "$batch" --mode "$mode" \
        --repeats "$repeats" --warmup "$warmup" 2>/dev/null | grep '^{' | sed 's/"impl":"dl4j"/"impl":"dl4j-before"/' >> "$out"
    fi
    /usr/bin/python3 "$twin/bench.py" --cases "$cfg:$mode:$batch" --repeats "$repeats" --warmup "$warmup" \
      --threads "$threads" | grep '^{' >> "$out"
  done
done
/usr/bin/python3 - "$out" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
keys = sorted({(r["config"], r["mode"], r["batch"]) for r in rows}, key=lambda k: (k[0], k[2], k[1]))
print(f'{"case":18} {"dl4j s":>8} {"torch s":>8} {"ratio":>6} {"dl4j cpu":>8} {"torch cpu":>9} {"ratio":>6}'
      f' {"dl4j MB":>8} {"torch MB":>8} {"ratio":>6}  runs  load')
for k in keys:
    t = [r for r in rows if (r["config"], r["mode"], r["batch"]) == k and r["impl"] == "pytorch"]
    for impl in ("dl4j-before", "dl4j"):
        d = [r for r in rows if (r["config"], r["mode"], r["batch"]) == k and r["impl"] == impl]
        if not d or not t:
            continue
        ds, ts = statistics.median(r["median_s"] for r in d), statistics.median(r["median_s"] for r in t)
        dm, tm = statistics.median(r["peak_rss_mb"] for r in d), statistics.median(r["peak_rss_mb"] for r in t)
        # process CPU seconds per step: the work done, less sensitive than wall time to a busy host
        dc = statistics.median(r.get("cpu_s_median", float("nan")) for r in d)
        tc = statistics.median(r["cpu_s_median"] for r in t)
        loads = [x for r in d + t for x in r["loadavg_1m"]]
        name = ":".join(map(str, k)) + ("" if impl == "dl4j" else " before")
        print(f'{name:18} {ds:8.3f} {ts:8.3f} {ds / ts:6.2f} {dc:8.3f} {tc:9.3f} {dc / tc:6.2f}'
              f' {dm:8.0f} {tm:8.0f} {dm / tm:6.2f}  {len(d)}/{len(t)}  {min(loads):.1f}-{max(loads):.1f}')
EOF
