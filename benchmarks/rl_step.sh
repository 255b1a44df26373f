#!/usr/bin/env bash
# One RL step, SRCode against TRL, back to back on this machine (issue 12's anchor).
#
# Same model (the embedded Qwen2.5-Coder-0.5B-Instruct Q4_K_M GGUF; both sides train its Float32
# dequantization), same LoRA (r 8, alpha 16, q/k/v/o), GRPO with groups of 4, 4 prompts × 4 = 16
# rollouts of up to N new tokens at T 0.8 / top-p 1, KL β 0.05 against the adapter-free base, one pass
# over the rollouts, same reward (the GRPO recipe's reward section; TRL calls it through
# `srcode reward serve`). SRCode runs first; TRL then gets the exact prompts SRCode's step drew.
# Neither side stops at the end of the first code block (SRCode's default, TRL has none), so both
# generate to the end-of-turn token or the cap.
#
# Opt-in, not part of the tests: it installs TRL, PEFT and a CPU PyTorch into .venv-trl on first use.
# Runs twice: with OPENBLAS_CORETYPE as set in the environment (if it is), and with it unset.
#   benchmarks/rl_step.sh [max_new_tokens=384] [data=runs/proof/primevul-pattern/primevul_plus.jsonl]
# SRCODE_RL_VARIANTS="f32/auto f32/f32" (default) times SRCode once per rollout engine / precision (recipe keys
# rollout.engine and precision: auto is bf16 against the frozen base where the CPU has AVX512-BF16); the
# ratio uses the first. Add quantized/auto for the GGUF rollout engine.
# SRCODE_TRL_BF16=1 runs TRL with bf16=True (autocast), its best configuration on a CPU with AVX512-BF16.
# The data is any PrimeVul+ JSONL with a train split; scripts/ablation.sh with SRCODE_STAGE=data builds
# the default one in about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
TOKENS=${1:-384}
# SRCode's variants to time, engine/precision; the first one's step is the ratio's.
VARIANTS=${SRCODE_RL_VARIANTS:-f32/auto f32/f32}
DATA=${2:-runs/proof/primevul-pattern/primevul_plus.jsonl}
S=.build/release/srcode
OUT=runs/bench/rl-step
VENV=${SRCODE_TRL_VENV:-.venv-trl}
[ -s "$DATA" ] || { echo "rl_step.sh: $DATA is missing (SRCODE_STAGE=data scripts/ablation.sh builds it)" >&2; exit 1; }
[ -x "$S" ] || swift build -c release --product srcode -Xswiftc -enable-testing

if ! "$VENV/bin/python" -c "import trl, peft, gguf" 2>/dev/null; then
  spec=(torch); w=$(ls /opt/wheels/torch-*+cpu-*.whl $(pip config get global.find-links 2>/dev/null)/torch-*+cpu-*.whl 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$w" ] && spec=("torch==$(basename "$w" | cut -d- -f2)")   # the CPU build; PyPI's default drags in CUDA
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "${spec[@]}" trl peft datasets gguf accelerate
fi
GGUF=$(ls "${SRCODE_MODELS:-$HOME/.cache/srcode/models}"/qwen2.5-coder-0.5b/*.gguf | head -1)

mkdir -p "$OUT"
RECIPE="$OUT/recipe.yaml"
sed -e "s#^output: .*#output: $OUT/srcode#" -e '/^init:/d' -e "s#^data: .*#data: {train: $DATA, split: train}#" \
    -e 's/^  epochs: .*/  epochs: 1/' -e 's/^  mini_batch_size: .*/  mini_batch_size: 4/' -e 's/^  steps: .*/  steps: 1/' \
    -e "s/^  max_new_tokens: .*/  max_new_tokens: $TOKENS/" -e 's/^  stop_at_code_end: .*/  stop_at_code_end: false/' \
    recipes/ppo-grpo-qwen.yaml > "$RECIPE"
field() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" | head -1; }
rss_gib() { sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$1" | awk '{printf "%.2f", $1/1048576}'; }

# One SRCode step of variant $1 (engine/precision, e.g. f32/auto); prints its RESULT line.
srcode_step() {
  local variant=$1; shift
  local engine=${variant%/*} precision=${variant#*/} name=${variant//\//-}
  local recipe="$OUT/recipe-$name.yaml"
  { sed "s/^rollout:$/rollout:\n  engine: $engine/" "$RECIPE"; echo "precision: $precision"; } > "$recipe"
  rm -rf "$OUT/srcode"
  "$@" /usr/bin/time -v -o "$OUT/srcode-$name.time" "$S" train ppo --config "$recipe" --threads 2 > "$OUT/srcode-$name.log" 2>&1
  local runs; runs=$(sed -n 's/.*GEMMs against frozen weights in \([a-z0-9]*\).*/\1/p' "$OUT/srcode-$name.log" | head -1)
  local m; m=$(tail -1 "$OUT/srcode/metrics.jsonl")
  python3 - "$OUT/srcode/rollouts.jsonl" "$OUT/prompts.json" <<'EOF'
import json, sys
seen = []
for line in open(sys.argv[1]):
    p = json.loads(line)["prompt"]
    if p not in seen: seen.append(p)
json.dump(seen, open(sys.argv[2], "w"))
EOF
  local srss; srss=$(rss_gib "$OUT/srcode-$name.time")
  python3 -c "
import json,sys; m=json.loads(sys.argv[1]); step=m['rollout_seconds']+m['update_seconds']
print(f\"RESULT side=srcode engine=$engine precision=$precision runs=${runs:-f32} rollouts=16 step_s={step:.1f} generation_s={m['generation_seconds']:.1f} reward_s={m['reward_seconds']:.1f} score_s={m['score_seconds']:.1f} train_s={m['epochs_seconds']:.1f} mean_completion_tokens={m['response_tokens']:.1f} peak_rss_gib=$srss\")" "$m"
}

run_pair() {
  local label=$1; shift
  echo "== RL step, $TOKENS new tokens, OPENBLAS_CORETYPE $label"
  local sline="" line
  for variant in $VARIANTS; do
    line=$(srcode_step "$variant" "$@")
    echo "$line"
    [ -n "$sline" ] || sline=$line   # the first variant is the one the ratio uses
  done
  # The reward server for TRL: same recipe, same compile gate.
  "$S" reward serve --config "$RECIPE" --port 0 > "$OUT/serve.log" 2>&1 &
  local spid=$!
  for _ in $(seq 100); do grep -q "http://" "$OUT/serve.log" && break; sleep 0.2; done
  local url; url="$(sed -n 's#.*\(http://[^ ]*\).*#\1#p' "$OUT/serve.log" | head -1)/v1/openrlhf"
  "$@" /usr/bin/time -v -o "$OUT/trl.time" "$VENV/bin/python" benchmarks/trl_rl_step.py --gguf "$GGUF" \
    --prompts "$OUT/prompts.json" --reward-url "$url" --max-new-tokens "$TOKENS" --threads 2 \
    ${SRCODE_TRL_BF16:+--bf16} > "$OUT/trl.log" 2>&1 \
    || { kill "$spid"; tail -30 "$OUT/trl.log"; return 1; }
  kill "$spid"
  grep '^versions' "$OUT/trl.log"
  local tline; tline=$(grep '^RESULT' "$OUT/trl.log" | sed "s/peak_rss_gib=[0-9.]*/peak_rss_gib=$(rss_gib "$OUT/trl.time")/")
  echo "$tline"
  local s t; s=$(echo "$sline" | field step_s); t=$(echo "$tline" | field step_s)
  python3 -c "print(f'RATIO coretype=$label tokens=$TOKENS TRL/SRCode seconds per step = {$t/$s:.2f}x ($t s vs $s s): SRCode runs {$t/$s:.2f}x the steps per hour')"
}

if [ -n "${OPENBLAS_CORETYPE:-}" ]; then run_pair "as set (${OPENBLAS_CORETYPE})" env; fi
run_pair "unset" env -u OPENBLAS_CORETYPE
