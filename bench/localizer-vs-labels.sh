#!/bin/bash
# Issue 8's measurement: the full pipeline's Dice on held-out cases with ROIs from the label maps vs ROIs
# from the localizer, with the ROI recall and the localizer's time per scan.
# usage: bench/localizer-vs-labels.sh [OUT_DIR] [LOCALIZER_ITERATIONS]   (about 10 minutes on 2 cores)
# Pass 1 is the demo (10 SMALL phantoms, 3 held out, roi.source = labels); pass 2 reruns localize..evaluate
# on a copy of that run with roi.source = localizer (same networks, same cases).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/renalseg-localizer-vs-labels}
iters=${2:-2000}
rm -rf "$out"; mkdir -p "$out"
submit/renalseg demo --out "$out/demo" --set localizer.train.iterations-per-epoch="$iters" 2> "$out/labels.log" >/dev/null
cp -r "$out/demo/run" "$out/run-localizer"
submit/renalseg pipeline --config conf/demo.conf --run "$out/run-localizer" --cohort "$out/demo/cohort" \
  --set localizer.train.iterations-per-epoch="$iters" --set roi.source=localizer \
  --redo localize,infer,postprocess,evaluate 2> "$out/localizer.log" >/dev/null
grep -h "localizer found\|ROI recall" "$out/localizer.log" | sed 's/^renalseg: localize: //'
for seg in "$out"/demo/run/segmentations/*.nii.gz; do
  c=$(basename "$seg" .nii.gz)
  for run in demo/run run-localizer; do
    printf '%s %-14s' "$c" "$(basename "$run" | sed 's/^run$/labels/;s/run-//')"
    submit/renalseg evaluate --truth "$out/demo/cohort/$c/segmentation.nii.gz" \
      --pred "$out/$run/segmentations/$c.nii.gz" 2>/dev/null \
      | sed -E 's/.*"region":"([a-z_]+)".*"dice":([0-9.eE-]+).*/\1 \2/' | tr '\n' ' '
    echo
  done
done
