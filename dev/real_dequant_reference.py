#!/usr/bin/env python3
"""Dumps sha256 digests of gguf-py's numpy dequantization of selected tensors of the two default
GGUFs (a few per ggml type) into Tests/ModelIOTests/Fixtures/real-dequant-reference.json.

The Swift test dequantizes the same tensors and compares digests: bit-exact, yet the fixture is
a few hundred bytes. usage: python3 dev/real_dequant_reference.py SMOLLM2.gguf QWEN.gguf
"""
import hashlib, json, os, sys
import numpy as np
import gguf

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "ModelIOTests", "Fixtures", "real-dequant-reference.json")

def digests(path, per_type=2):
    r = gguf.GGUFReader(path)
    seen, out = {}, {}
    for t in r.tensors:
        k = t.tensor_type.name
        if seen.get(k, 0) >= per_type:
            continue
        seen[k] = seen.get(k, 0) + 1
        f = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32)
        out[t.name] = {"type": k, "sha256": hashlib.sha256(f.tobytes()).hexdigest(), "first": f.reshape(-1)[:4].tolist()}
    return out

if __name__ == "__main__":
    ref = {"smollm2": digests(sys.argv[1]), "qwen2.5-coder-0.5b": digests(sys.argv[2])}
    with open(OUT, "w") as fh:
        json.dump(ref, fh, indent=1)
    print(json.dumps({m: {n: v["type"] for n, v in d.items()} for m, d in ref.items()}))
