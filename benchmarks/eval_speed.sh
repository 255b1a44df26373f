#!/usr/bin/env bash
# Evaluation speed (issue 15): one model over LLMSecEval's C prompts, through SRCode's own engine and
# through llama-cpp-python's OpenAI-compatible server, back to back, with the same scoring.
#
# Both runs are `srcode eval run --benchmark llmseceval` with the same prompts, samples, temperature,
# token cap and judges (built-in oracle + compile check + ICD); only the generator differs:
#   srcode    the embedded Qwen2.5-Coder-0.5B-Instruct GGUF on SRCode's quantized decoder, batched
#   anchor    the same GGUF served by `python -m llama_cpp.server` (llama.cpp, its own chat template from
#             the GGUF), reached as `--model llamacpp=openai:URL`: one request at a time, as that
#             server decodes one sequence at a time
# Prints the wall time and samples per minute of each, and the ratio.
#
# Opt-in, not part of the tests: installs llama-cpp-python[server] into .venv-llamacpp on first use
# (a source build of llama.cpp for this CPU, several minutes). Runs with OPENBLAS_CORETYPE as set (if
# it is) and unset.
#   benchmarks/eval_speed.sh [samples=4] [max_tokens=512] [limit=all 67]
# SRCODE_EVAL_ENGINE picks SRCode's side (default quantized, the engine of the published figure; `policy`
# is the faster one where bf16 runs, docs/EVALUATION.md "Engines").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
SAMPLES=${1:-4}
TOKENS=${2:-512}
LIMIT=${3:-}
DATA=${SRCODE_DATA:-../shared/data}/llmseceval/LLMSecEval-Prompts_dataset.json
S=.build/release/srcode
OUT=runs/bench/eval-speed
VENV=${SRCODE_LLAMACPP_VENV:-.venv-llamacpp}
PORT=${SRCODE_LLAMACPP_PORT:-8179}
[ -s "$DATA" ] || { echo "eval_speed.sh: $DATA is missing" >&2; exit 1; }
[ -x "$S" ] || swift build -c release --product srcode
if ! "$VENV/bin/python" -c "import llama_cpp.server" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "llama-cpp-python[server]"
fi
GGUF=$(ls "${SRCODE_MODELS:-$HOME/.cache/srcode/models}"/qwen2.5-coder-0.5b/*.gguf | head -1)
ARGS=(--benchmark llmseceval --data "$DATA" --languages c --samples "$SAMPLES" --temperature 0.2
      --max-tokens "$TOKENS" --threads 2 ${LIMIT:+--limit "$LIMIT"})
mkdir -p "$OUT"
rss_gib() { sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$1" | awk '{printf "%.2f", $1/1048576}'; }
wall_s() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" | awk -F: '{s=0; for (i=1; i<=NF; i++) s=s*60+$i; printf "%.1f", s}'; }
samples_of() { wc -l < "$1/samples.jsonl" | tr -d ' '; }

run_pair() {
  local label=$1; shift
  echo "== LLMSecEval C, $SAMPLES samples x up to $TOKENS tokens, OPENBLAS_CORETYPE $label"
  rm -rf "$OUT/srcode" "$OUT/llamacpp"
  "$@" /usr/bin/time -v -o "$OUT/srcode.time" "$S" eval run "${ARGS[@]}" --engine "${SRCODE_EVAL_ENGINE:-quantized}" --model srcode=qwen2.5-coder-0.5b \
    --out "$OUT/srcode" > "$OUT/srcode.log" 2>&1
  local n; n=$(samples_of "$OUT/srcode/srcode")
  local s; s=$(wall_s "$OUT/srcode.time")
  echo "RESULT side=srcode samples=$n wall_s=$s samples_per_min=$(python3 -c "print(f'{$n*60/$s:.1f}')") peak_rss_gib=$(rss_gib "$OUT/srcode.time")"
  # The anchor: llama.cpp behind its OpenAI-compatible server, judged by the same command.
  "$@" "$VENV/bin/python" -m llama_cpp.server --model "$GGUF" --n_threads 2 --n_threads_batch 2 --n_ctx 4096 \
    --host 127.0.0.1 --port "$PORT" > "$OUT/llamacpp-server.log" 2>&1 &
  local spid=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/v1/models" > /dev/null && break; sleep 0.5; done
  "$@" /usr/bin/time -v -o "$OUT/llamacpp.time" "$S" eval run "${ARGS[@]}" --batch 1 \
    --model "llamacpp=openai:http://127.0.0.1:$PORT/v1" --out "$OUT/llamacpp" > "$OUT/llamacpp.log" 2>&1 \
    || { kill "$spid"; tail -20 "$OUT/llamacpp.log"; return 1; }
  kill "$spid"
  local m; m=$(samples_of "$OUT/llamacpp/llamacpp")
  local t; t=$(wall_s "$OUT/llamacpp.time")
  echo "RESULT side=llama-cpp-python samples=$m wall_s=$t samples_per_min=$(python3 -c "print(f'{$m*60/$t:.1f}')") version=$("$VENV/bin/python" -c 'import llama_cpp; print(llama_cpp.__version__)')"
  grep -h "on llmseceval" "$OUT/srcode.log" "$OUT/llamacpp.log" || true
  python3 -c "print(f'RATIO coretype=$label anchor/srcode wall = {$t/$s:.2f}x ($t s vs $s s)')"
}

if [ -n "${OPENBLAS_CORETYPE:-}" ]; then run_pair "as set (${OPENBLAS_CORETYPE})" env; fi
run_pair "unset" env -u OPENBLAS_CORETYPE
