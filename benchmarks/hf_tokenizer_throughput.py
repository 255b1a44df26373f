#!/usr/bin/env python3
"""HF `tokenizers` encode throughput on the same ~1 MB text as modelio-bench (the anchor).

usage: python3 benchmarks/hf_tokenizer_throughput.py NAME=tokenizer.json ...
(tokenizer.json from dev/gguf_to_tokenizer_json.py). Single call on one string, best of 3.
"""
import os, sys, time
from tokenizers import Tokenizer

CORPUS = os.path.join(os.path.dirname(__file__), "..", "Tests", "ModelIOTests", "Fixtures", "tokenizer-corpus")
text = "".join(open(os.path.join(CORPUS, f), encoding="utf-8", newline="").read() for f in ["c-code.txt", "english.txt", "unicode.txt"])
big = text * (1_000_000 // len(text.encode()))
for arg in sys.argv[1:]:
    name, path = arg.split("=", 1)
    tok = Tokenizer.from_file(path)
    best, n = 1e9, 0
    for _ in range(3):
        t0 = time.perf_counter(); n = len(tok.encode(big, add_special_tokens=False).ids); best = min(best, time.perf_counter() - t0)
    print(f"{name} HF tokenizers encode: {len(big.encode())/best/1e6:.2f} MB/s, {n/best/1e3:.0f} ktok/s ({n} tokens)")
