#!/usr/bin/env python3
"""The llama.cpp decode anchor: batch-1 decode tokens/s (and prefill tokens/s) of a GGUF through
llama-cpp-python, greedy, fixed thread count. Prints one JSON line per model.

usage: python3 benchmarks/llama_cpp_decode.py MODEL.gguf [MODEL.gguf ...] [--threads 2] [--tokens 128]
"""
import argparse, json, time
from llama_cpp import Llama

ap = argparse.ArgumentParser()
ap.add_argument("models", nargs="+")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--tokens", type=int, default=32)
ap.add_argument("--repeats", type=int, default=3)
a = ap.parse_args()
PROMPT = "Write a C function that copies a string into a fixed-size buffer safely.\n"
for path in a.models:
    llm = Llama(model_path=path, n_threads=a.threads, n_threads_batch=a.threads, n_ctx=1024, verbose=False)
    toks = llm.tokenize(PROMPT.encode())
    best_dec, best_pre, best_cpu = 0.0, 0.0, 1e9
    for _ in range(a.repeats):
        llm.reset()
        t0 = time.perf_counter()
        llm.eval(toks)
        t1 = time.perf_counter()
        c1 = time.process_time()
        n = 0
        for _ in range(a.tokens):
            logits = llm.scores[llm.n_tokens - 1]
            nxt = int(logits.argmax())
            llm.eval([nxt])
            n += 1
        t2 = time.perf_counter()
        cpu_ms = (time.process_time() - c1) / n * 1e3
        best_pre = max(best_pre, len(toks) / (t1 - t0))
        best_dec = max(best_dec, n / (t2 - t1))
        best_cpu = min(best_cpu, cpu_ms)
    print(json.dumps({"model": path.split("/")[-1], "threads": a.threads, "prompt_tokens": len(toks),
                      "prefill_tok_s": round(best_pre, 1), "decode_tok_s": round(best_dec, 1),
                      "decode_cpu_ms_per_tok": round(best_cpu, 2)}), flush=True)
