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

# Batch 8, as generation-bench does it: 8 sequences each prefilled with the prompt, then N greedy
# steps of one token per sequence in one llama_decode (llama.cpp's low-level batch API).
import ctypes, numpy as np
import llama_cpp as L
model = L.llama_model_load_from_file(path.encode(), L.llama_model_default_params())
cp = L.llama_context_default_params()
cp.n_ctx = 8 * (len(toks) + N + 8); cp.n_batch = cp.n_ubatch = 512; cp.n_seq_max = 8
cp.n_threads = cp.n_threads_batch = threads
ctx = L.llama_init_from_model(model, cp)
nv = L.llama_vocab_n_tokens(L.llama_model_get_vocab(model))
batch = L.llama_batch_init(max(len(toks), 8), 0, 8)
def submit(entries):  # [(token, position, sequence, want_logits)]
    for i, (t, p, s, lg) in enumerate(entries):
        batch.token[i], batch.pos[i], batch.n_seq_id[i], batch.logits[i] = t, p, 1, lg
        batch.seq_id[i][0] = s
    batch.n_tokens = len(entries)
    assert L.llama_decode(ctx, batch) == 0
for s in range(8):
    submit([(t, i, s, int(i == len(toks) - 1)) for i, t in enumerate(toks)])
cur = [toks[-1]] * 8
t0, c0 = time.perf_counter(), time.process_time()
for step in range(N):
    submit([(cur[s], len(toks) + step, s, 1) for s in range(8)])
    for s in range(8):
        cur[s] = int(np.ctypeslib.as_array(L.llama_get_logits_ith(ctx, s), shape=(nv,)).argmax())
decode8 = time.perf_counter() - t0; decode8_cpu = time.process_time() - c0
print(f"llama.cpp threads={threads} prefill({len(toks)}) {len(toks)/prefill:.1f} tok/s | decode b1 {N/decode:.1f} tok/s | decode b8 {8*N/decode8:.1f} tok/s (aggregate) | peak RSS {rss:.0f} MiB")
print(f"llama.cpp per CPU-second (all threads): prefill {len(toks)/prefill_cpu:.1f} tok | decode b1 {N/decode_cpu:.1f} tok | decode b8 {8*N/decode8_cpu:.1f} tok")
PY
done
