#!/usr/bin/env bash
# Training-step benchmark: the Swift engine and plain PyTorch back to back on the same shape, then the ratio.
# Runs twice: with OPENBLAS_CORETYPE as set in the environment, and with it unset (OpenBLAS autodetects).
#   benchmarks/train_step.sh [smollm2-135m|qwen2.5-coder-0.5b] [steps]
set -euo pipefail
cd "$(dirname "$0")/.."
SHAPE=${1:-smollm2-135m}
STEPS=${2:-3}
swift build -c release --product engine-bench >/dev/null
value() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

run_pair() {
  local label=$1; shift
  echo "== $SHAPE, OPENBLAS_CORETYPE $label"
  local swift_out torch_out
  swift_out=$("$@" .build/release/engine-bench --shape "$SHAPE" --steps "$STEPS")
  echo "$swift_out"
  torch_out=$("$@" python3 benchmarks/pytorch_train_step.py --shape "$SHAPE" --steps "$STEPS" --threads 2)
  echo "$torch_out"
  swift_out=$(echo "$swift_out" | grep '^RESULT'); torch_out=$(echo "$torch_out" | grep '^RESULT')
  local s t sr tr
  s=$(echo "$swift_out" | value tokens_per_s); t=$(echo "$torch_out" | value tokens_per_s)
  sr=$(echo "$swift_out" | value peak_rss_gib); tr=$(echo "$torch_out" | value peak_rss_gib)
  python3 -c "print(f'RATIO shape=$SHAPE coretype=$label swift/torch tokens/s = {$s/$t:.2f}x ($s vs $t); peak RSS {$sr} vs {$tr} GiB')"
}

if [ -n "${OPENBLAS_CORETYPE:-}" ]; then run_pair "as set (${OPENBLAS_CORETYPE})" env; fi
run_pair "unset" env -u OPENBLAS_CORETYPE
