#!/usr/bin/env bash
# Training-step benchmark: the Swift engine and plain PyTorch back to back on the same shape, then the ratio.
# Each side runs in Float32 and in bf16 (engine-bench --precision bf16: bf16 GEMMs against the frozen base;
# PyTorch: torch.autocast(cpu, bfloat16)); the ratio is SRCode's best against PyTorch's best configuration.
# bf16 only changes anything on a CPU with AVX512-BF16 (the engine falls back to Float32 elsewhere and says so).
# Runs twice: with OPENBLAS_CORETYPE as set in the environment, and with it unset (OpenBLAS autodetects).
#   benchmarks/train_step.sh [smollm2-135m|qwen2.5-coder-0.5b] [steps] [lora rank, 0 = full fine-tuning]
# The engine's bf16 path applies to frozen weights only, so with rank 0 its "bf16" run is Float32.
# PyTorch comes from .venv-trl (benchmarks/rl_step.sh installs it) or the python3 on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
SHAPE=${1:-smollm2-135m}
STEPS=${2:-3}
LORA=${3:-8}
swift build -c release --product engine-bench >/dev/null
PY=python3; [ -x .venv-trl/bin/python ] && PY=.venv-trl/bin/python
value() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
LORA_ARGS=(); [ "$LORA" -gt 0 ] && LORA_ARGS=(--lora "$LORA")

run_pair() {
  local label=$1; shift
  echo "== $SHAPE, LoRA rank $LORA, OPENBLAS_CORETYPE $label"
  local best_s=0 best_t=0 out line tps rss
  for p in f32 bf16; do
    out=$("$@" .build/release/engine-bench --shape "$SHAPE" --steps "$STEPS" --precision "$p" "${LORA_ARGS[@]}")
    echo "$out"; line=$(echo "$out" | grep '^RESULT'); tps=$(echo "$line" | value tokens_per_s)
    python3 -c "import sys; sys.exit(0 if $tps > $best_s else 1)" && { best_s=$tps; rss=$(echo "$line" | value peak_rss_gib); }
  done
  local best_t_rss=""
  for p in none bf16; do
    out=$("$@" "$PY" benchmarks/pytorch_train_step.py --shape "$SHAPE" --steps "$STEPS" --threads 2 --lora "$LORA" --autocast "$p")
    echo "$out"; line=$(echo "$out" | grep '^RESULT'); tps=$(echo "$line" | value tokens_per_s)
    python3 -c "import sys; sys.exit(0 if $tps > $best_t else 1)" && { best_t=$tps; best_t_rss=$(echo "$line" | value peak_rss_gib); }
  done
  python3 -c "print(f'RATIO shape=$SHAPE lora=$LORA coretype=$label best swift/best torch tokens/s = {$best_s/$best_t:.2f}x ($best_s vs $best_t); peak RSS {$rss} vs {$best_t_rss} GiB')"
}

if [ -n "${OPENBLAS_CORETYPE:-}" ]; then run_pair "as set (${OPENBLAS_CORETYPE})" env; fi
run_pair "unset" env -u OPENBLAS_CORETYPE
