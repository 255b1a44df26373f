#!/usr/bin/env python3
"""Converts a GGUF's byte-level BPE vocabulary to an HF tokenizer.json (for HF `tokenizers`).

The pre-tokenizer, normalizer and BPE options are chosen per `tokenizer.ggml.pre` to mirror the
model's original tokenizer.json (SmolLM2: Digits + ByteLevel; Qwen2: NFC + Split regex + ByteLevel;
Llama-3: Split regex + ignore_merges). Token types 3 (control) / 4 (user-defined) become added tokens.

usage: python3 dev/gguf_to_tokenizer_json.py MODEL.gguf OUT/tokenizer.json
"""
import json, sys
import gguf

GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
QWEN2 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"

def field(r, k):
    f = r.fields.get(k)
    return None if f is None else f.contents()

def byte_level(use_regex, trim=False):
    return {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": trim, "use_regex": use_regex}

def split(rx):
    return {"type": "Split", "pattern": {"Regex": rx}, "behavior": "Isolated", "invert": False}

def convert(path):
    r = gguf.GGUFReader(path)
    tokens = field(r, "tokenizer.ggml.tokens")
    types = field(r, "tokenizer.ggml.token_type")
    merges = field(r, "tokenizer.ggml.merges")
    pre = field(r, "tokenizer.ggml.pre") or "default"
    normalizer, ignore = None, False
    if pre == "smollm":
        pt = {"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": True}, byte_level(True, True)]}
    elif pre == "qwen2":
        normalizer = {"type": "NFC"}
        pt = {"type": "Sequence", "pretokenizers": [split(QWEN2), byte_level(False)]}
    elif pre in ("llama3", "llama-bpe"):
        ignore = True
        pt = {"type": "Sequence", "pretokenizers": [split(LLAMA3), byte_level(False)]}
    else:
        pt = byte_level(True)
    added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": types[i] == 3}
             for i, t in enumerate(tokens) if types[i] in (3, 4)]
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": normalizer, "pre_tokenizer": pt, "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": ignore,
                  "vocab": {t: i for i, t in enumerate(tokens)}, "merges": merges},
    }

if __name__ == "__main__":
    with open(sys.argv[2], "w", encoding="utf-8") as fh:
        json.dump(convert(sys.argv[1]), fh, ensure_ascii=False)
    print("wrote", sys.argv[2])
