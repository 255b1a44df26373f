#!/usr/bin/env bash
# The main job on the embedded default: set up (which also pulls the embedded default models), build,
# import the real fix pairs, split and describe them, scan them with the security oracle, build PrimeVul+
# records through Vul2Safe's gates, and let the default code model (Qwen2.5-Coder-0.5B-Instruct) write C.
# Then SRCode itself, briefly: a short SFT, one token-level PPO step, and a small secure-code
# evaluation of the base and trained model on the held-out test split (scripts/ablation.sh is the
# full-size run behind docs/RESULTS.md). SRCODE_MAIN_TRAIN=0 skips the training stage.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh   # also builds .build/release/srcode
source scripts/env.sh   # the project venv (semgrep, codeshield) first on PATH
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
echo "== Vul2Safe: PrimeVul+ records from every pair (offline prompts; oracle and compile gates; about 2 min)"
# Records keep their pair's commit split, so training reads only `train` and evaluation only `test`.
$SRCODE vul2safe build --input "$OUT/pairs.jsonl" --out "$OUT/primevul-plus" --offline \
  ${SRCODE_VUL2SAFE_LIMIT:+--limit "$SRCODE_VUL2SAFE_LIMIT"} --quiet
echo "== the embedded default code model writes C"
$SRCODE generate --chat --max-tokens 200 \
  --prompt "Write a C function char *dup_name(const char *name) that returns a heap copy of name."

if [ "${SRCODE_MAIN_TRAIN:-1}" = "1" ]; then
  echo "== SRCode: SFT on PrimeVul+ (short: recipes/main-sft-qwen.yaml)"
  $SRCODE train sft --config recipes/main-sft-qwen.yaml
  echo "== SRCode: PPO with token-level security rewards (one step: recipes/main-ppo-qwen.yaml)"
  $SRCODE train ppo --config recipes/main-ppo-qwen.yaml
  echo "== SRCode: secure-code evaluation on held-out prompts (base vs trained; small)"
  $SRCODE eval secure --data "$OUT/primevul-plus/primevul_plus.jsonl" --split test --out "$OUT/eval" \
    --max-records 4 --prompts-per-record 1 --samples 1 --max-tokens 160 --batch 8 \
    --model base=qwen2.5-coder-0.5b --model srcode=qwen2.5-coder-0.5b@"$OUT/ppo-token/adapter.safetensors"
fi
