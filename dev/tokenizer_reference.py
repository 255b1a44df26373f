#!/usr/bin/env python3
"""Dumps reference token ids for the tokenizer corpus with HF `tokenizers` (offline, from the
tokenizer.json made by dev/gguf_to_tokenizer_json.py) into
Tests/ModelIOTests/Fixtures/tokenizer-reference.json: per model, per corpus file, the ids of the
whole file and of each line.

usage: python3 dev/tokenizer_reference.py smollm2=PATH/tokenizer.json qwen2.5-coder-0.5b=PATH/tokenizer.json
"""
import json, os, sys, unicodedata
from tokenizers import Tokenizer

FIX = os.path.join(os.path.dirname(__file__), "..", "Tests", "ModelIOTests", "Fixtures")
CORPUS = os.path.join(FIX, "tokenizer-corpus")

out = {}
for arg in sys.argv[1:]:
    name, path = arg.split("=", 1)
    tok = Tokenizer.from_file(path)
    per = {}
    for fn in sorted(os.listdir(CORPUS)):
        text = open(os.path.join(CORPUS, fn), encoding="utf-8", newline="").read()
        full = tok.encode(text, add_special_tokens=False).ids
        lines = [tok.encode(l, add_special_tokens=False).ids for l in text.split("\n")]
        assert tok.decode(full, skip_special_tokens=False) in (text, unicodedata.normalize("NFC", text)), f"{name}/{fn}: HF decode is not exact"
        per[fn] = {"full": full, "lines": lines}
    out[name] = per
with open(os.path.join(FIX, "tokenizer-reference.json"), "w") as fh:
    json.dump(out, fh, separators=(",", ":"))
print({n: {f: len(v["full"]) for f, v in d.items()} for n, d in out.items()})
