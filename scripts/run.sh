#!/usr/bin/env bash
# The main job on the embedded default: set up (which also pulls the embedded default models), build,
# import the real fix pairs, split and describe them, scan them with the security oracle, build PrimeVul+
# records through Vul2Safe's gates, and let the default code model (Qwen2.5-Coder-0.5B-Instruct) write C.
# Training and evaluation (issue 7) will extend this same script.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh   # also builds .build/release/srcode
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
echo "== scan both sides of every C/C++ pair with the built-in oracle (summary: $OUT/scan.txt)"
rc=0; $SRCODE scan "$OUT/pairs.jsonl" --tools builtin --format text --output "$OUT/scan.txt" || rc=$?
[ "$rc" -le 1 ] || { echo "scan failed ($rc)"; exit "$rc"; }   # 1 only means "findings"
tail -n 1 "$OUT/scan.txt"
echo "== Vul2Safe: PrimeVul+ records from the first ${SRCODE_VUL2SAFE_LIMIT:-40} training pairs (offline prompts; oracle and compile gates)"
$SRCODE vul2safe build --input "$OUT/splits/train.jsonl" --out "$OUT/primevul-plus" --offline \
  --limit "${SRCODE_VUL2SAFE_LIMIT:-40}" --quiet
echo "== the embedded default code model writes C"
$SRCODE generate --chat --max-tokens 200 \
  --prompt "Write a C function char *dup_name(const char *name) that returns a heap copy of name."
