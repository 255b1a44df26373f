#!/usr/bin/env bash
# Vul2Safe end-to-end measurement: SVEN train (C/C++) and the PrimeVul sample through a local teacher.
# Prints each run's summary (records/min, accept rate, rejections per gate, overhead share).
#   benchmarks/vul2safe-bench.sh TEACHER_URL MODEL [LIMIT] [OUT]
# Input pairs come from dev/pairs_for_vul2safe.py until `srcode data import` lands on main.
set -euo pipefail
cd "$(dirname "$0")/.."
URL=$1; MODEL=$2; LIMIT=${3:-6}; OUT=${4:-/tmp/vul2safe-bench}
DATA=${SRCODE_DATA:-../shared/data}
mkdir -p "$OUT"
python3 dev/pairs_for_vul2safe.py sven "$DATA/sven/train" > "$OUT/sven.jsonl"
python3 dev/pairs_for_vul2safe.py primevul "$DATA/primevul-sample/pairs_dev.jsonl" > "$OUT/primevul.jsonl"
SRCODE=.build/release/srcode
for set in sven primevul; do
  rm -rf "$OUT/$set-offline" "$OUT/$set-teacher"
  echo "== $set: offline (anchor: no teacher)"
  $SRCODE vul2safe build --input "$OUT/$set.jsonl" --out "$OUT/$set-offline" --offline --limit "$LIMIT" --quiet
  echo "== $set: teacher $MODEL"
  $SRCODE vul2safe build --input "$OUT/$set.jsonl" --out "$OUT/$set-teacher" --teacher "$URL" --model "$MODEL" \
    --limit "$LIMIT" --concurrency 1 --max-tokens 384 --quiet
done
