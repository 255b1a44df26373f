#!/usr/bin/env bash
# Decode benchmark: srcode's generation-bench vs llama-cpp-python on the same GGUFs and threads, same run.
# usage: benchmarks/decode.sh [threads]   (models from the srcode model cache; run `srcode model pull <alias>` first)
# Each side also prints tokens per CPU-second: with 1 thread that is what an idle core would give,
# even when the shared machine is loaded (wall tok/s then measures the load; llama.cpp's spinning
# thread barriers suffer most).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
P=128; N=128
swift build -c release --product generation-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)/generation-bench
ROOT=${SRCODE_MODELS:-$HOME/.cache/srcode/models}
for m in "$ROOT/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$ROOT/qwen2.5-coder-0.5b/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"; do
  [ -f "$m" ] || { echo "skip: $m missing"; continue; }
  echo "== $(basename "$m")  OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<unset>}"
  "$BIN" "$m" --prompt-tokens $P --decode-tokens $N --threads "$THREADS"
  python3 - "$m" "$THREADS" $P $N <<'PY'
import resource, sys, time
from llama_cpp import Llama
path, threads, P, N = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
llm = Llama(model_path=path, n_ctx=P + N + 8, n_threads=threads, n_threads_batch=threads, n_batch=512, verbose=False)
text = "int main(void) { char buf[16]; strcpy(buf, argv[1]); return 0; }\n" * 40
toks = llm.tokenize(text.encode(), add_bos=False)[:P]
llm.eval(toks[:8]); llm.reset()
t0, c0 = time.perf_counter(), time.process_time(); llm.eval(toks); prefill = time.perf_counter() - t0; prefill_cpu = time.process_time() - c0
tok = toks[-1]
t0, c0 = time.perf_counter(), time.process_time()
for _ in range(N):
    llm.eval([tok]); tok = int(llm.scores[llm.n_tokens - 1].argmax())
decode = time.perf_counter() - t0; decode_cpu = time.process_time() - c0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"llama.cpp threads={threads} prefill({len(toks)}) {len(toks)/prefill:.1f} tok/s | decode b1 {N/decode:.1f} tok/s | peak RSS {rss:.0f} MiB")
print(f"llama.cpp per CPU-second (all threads): prefill {len(toks)/prefill_cpu:.1f} tok | decode b1 {N/decode_cpu:.1f} tok")
PY
done
