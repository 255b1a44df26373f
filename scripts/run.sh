#!/usr/bin/env bash
# The main job on the embedded default: set up, build, import the bundled real fix pairs and print
# their statistics. Later stages (scan, vul2safe, train, eval) extend this same script.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release
SRCODE=.build/release/srcode
DATA=${SRCODE_DATA:-../shared/data}
OUT=${SRCODE_OUT:-runs/main}
mkdir -p "$OUT"

echo "== import real vulnerability-fix pairs from $DATA"
$SRCODE data import "$DATA/sven/train" "$DATA/safecoder/train_sec-new-desc.jsonl" \
  "$DATA/primevul-sample/pairs_dev.jsonl" --out "$OUT/pairs.jsonl"
echo "== split by project/commit"
$SRCODE data split "$OUT/pairs.jsonl" --out "$OUT/splits"
echo "== stats"
$SRCODE data stats "$OUT/pairs.jsonl"
