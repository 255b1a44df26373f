#!/usr/bin/env bash
# The ablation of issue 7 on the embedded default code model (Qwen2.5-Coder-0.5B-Instruct), on 2 CPU
# cores: PrimeVul+ from the bundled fix pairs → SFT → three RL arms at equal rollout budget → eval of
# all five arms on the held-out test split. Every stage is resumable: rerun to continue after a kill.
# Results: runs/ablation/eval/comparison.md (+ .svg); docs/RESULTS.md discusses them.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x "${SRCODE_BIN:-.build/release/srcode}" ] || scripts/setup.sh
S=${SRCODE_BIN:-.build/release/srcode}
DATA=${SRCODE_DATA:-../shared/data}
OUT=runs/ablation
mkdir -p "$OUT"

echo "== PrimeVul+ (offline: official fixes through the gates, template prompts)"
[ -s "$OUT/pairs.jsonl" ] || $S data import "$DATA/sven/train" "$DATA/safecoder/train_sec-new-desc.jsonl" \
  "$DATA/primevul-sample/pairs_dev.jsonl" --out "$OUT/pairs.jsonl"
$S vul2safe build --input "$OUT/pairs.jsonl" --out "$OUT/primevul-plus" --offline --quiet

echo "== SFT (recipes/sft-qwen.yaml)"
$S train sft --config recipes/sft-qwen.yaml

for arm in instance grpo token; do
  echo "== RL arm: $arm (recipes/ppo-$arm-qwen.yaml)"
  $S train ppo --config "recipes/ppo-$arm-qwen.yaml"
done

echo "== eval on the test split (no training step saw it)"
$S eval secure --data "$OUT/primevul-plus/primevul_plus.jsonl" --split test --out "$OUT/eval" \
  --max-records "${SRCODE_EVAL_RECORDS:-16}" --prompts-per-record 1 --samples 2 --max-tokens 192 \
  --temperature 0.4 --seed 7 --batch 32 \
  --model base=qwen2.5-coder-0.5b \
  --model sft=qwen2.5-coder-0.5b@"$OUT/sft/final.safetensors" \
  --model ppo-instance=qwen2.5-coder-0.5b@"$OUT/ppo-instance/adapter.safetensors" \
  --model grpo=qwen2.5-coder-0.5b@"$OUT/ppo-grpo/adapter.safetensors" \
  --model srcode-token=qwen2.5-coder-0.5b@"$OUT/ppo-token/adapter.safetensors"
cat "$OUT/eval/comparison.md"
