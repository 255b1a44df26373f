#!/usr/bin/env python3
"""Writes Tests/ModelIOTests/Fixtures/tiny.gguf and its numpy dequantization reference.

One small tensor per supported ggml type filled with random (finite-scale) blocks, plus the
metadata kinds a real model has. The reference floats come from gguf-py's `gguf.quants`
(the numpy port of ggml's dequantize_row_*), so the Swift test checks bit-exactness against it.

usage: python3 dev/make_gguf_fixture.py   (needs `pip install gguf numpy`)
"""
import json, os, sys
import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from gguf.constants import GGML_QUANT_SIZES

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "ModelIOTests", "Fixtures")
rng = np.random.default_rng(1234)

def finite_f16(n):
    # fp16 values in [-2, 2): random mantissa, exponent kept below the inf/NaN range.
    return (rng.standard_normal(n) * 0.05).astype(np.float16).view(np.uint16)

def random_blocks(qtype, rows, cols):
    bs, ts = GGML_QUANT_SIZES[qtype]
    nb = rows * cols // bs
    raw = rng.integers(0, 256, size=(nb, ts), dtype=np.uint8)
    # Overwrite the fp16 scale fields with finite values.
    f16_fields = {T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0],
                  T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208]}[qtype]
    for off in f16_fields:
        raw[:, off:off + 2] = finite_f16(nb).view(np.uint8).reshape(nb, 2)
    return raw.reshape(rows, cols // bs * ts)

def main():
    w = gguf.GGUFWriter(os.path.join(OUT, "tiny.gguf"), "llama")
    w.add_block_count(1)
    w.add_context_length(64)
    w.add_embedding_length(256)
    w.add_head_count(4)
    w.add_float32("llama.rope.freq_base", 10000.0)
    w.add_string("general.name", "tiny fixture")
    w.add_array("tiny.ints", [1, 2, 3])
    w.add_bool("tiny.flag", True)
    ref = {}
    rows, cols = 2, 256
    f = rng.standard_normal((rows, cols)).astype(np.float32)
    w.add_tensor("f32", f)
    ref["f32"] = f
    h = f.astype(np.float16)
    w.add_tensor("f16", h)
    ref["f16"] = h.astype(np.float32)
    b = gguf.quants.quantize(f, T.BF16)
    w.add_tensor("bf16", b, raw_dtype=T.BF16)
    ref["bf16"] = gguf.quants.dequantize(b, T.BF16)
    for qt in [T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0, T.Q4_K, T.Q5_K, T.Q6_K]:
        raw = random_blocks(qt, rows, cols)
        name = qt.name.lower()
        w.add_tensor(name, raw, raw_dtype=qt)
        ref[name] = gguf.quants.dequantize(raw, qt)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    # Reference as bit patterns (exact), one list of uint32 per tensor.
    with open(os.path.join(OUT, "tiny-gguf-reference.json"), "w") as fh:
        json.dump({k: v.astype(np.float32).reshape(-1).view(np.uint32).tolist() for k, v in ref.items()}, fh)
    print("wrote tiny.gguf and tiny-gguf-reference.json")

if __name__ == "__main__":
    main()
