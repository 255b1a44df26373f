#!/usr/bin/env python3
"""Reference dump for the engine's loss/gradient parity test.

Builds a tiny Llama-family model (Qwen2-style QKV bias, GQA, tied embeddings) in plain PyTorch,
runs one batch with per-token weights and an ignored target, and writes config, weights, batch,
loss and every parameter gradient to JSON. Computed in float64, so the dump is the exact answer the
Swift float32 engine must match (1e-4 relative loss, 1e-3 gradients).

    python3 dev/pytorch_parity.py Tests/LMTests/Fixtures/parity_tiny.json
"""
import json
import math
import sys

import torch

torch.manual_seed(0)
DT = torch.float64
CFG = dict(model_type="qwen2", hidden_size=16, num_hidden_layers=2, num_attention_heads=4,
           num_key_value_heads=2, intermediate_size=24, vocab_size=37, rope_theta=10000.0,
           rms_norm_eps=1e-5, tie_word_embeddings=True, max_position_embeddings=64)
C, L, H, G = CFG["hidden_size"], CFG["num_hidden_layers"], CFG["num_attention_heads"], CFG["num_key_value_heads"]
F, V, D = CFG["intermediate_size"], CFG["vocab_size"], C // CFG["num_attention_heads"]
B, T = 2, 7


def param(*shape, std=0.2, base=0.0):
    # Rounded through float32 so the Swift engine loads exactly the weights used here.
    return (base + std * torch.randn(*shape, dtype=DT)).float().to(DT).requires_grad_(True)


W = {"model.embed_tokens.weight": param(V, C, std=0.5)}
for i in range(L):
    p = f"model.layers.{i}."
    W[p + "input_layernorm.weight"] = param(C, std=0.1, base=1.0)
    W[p + "self_attn.q_proj.weight"] = param(H * D, C)
    W[p + "self_attn.q_proj.bias"] = param(H * D)
    W[p + "self_attn.k_proj.weight"] = param(G * D, C)
    W[p + "self_attn.k_proj.bias"] = param(G * D)
    W[p + "self_attn.v_proj.weight"] = param(G * D, C)
    W[p + "self_attn.v_proj.bias"] = param(G * D)
    W[p + "self_attn.o_proj.weight"] = param(C, H * D)
    W[p + "post_attention_layernorm.weight"] = param(C, std=0.1, base=1.0)
    W[p + "mlp.gate_proj.weight"] = param(F, C)
    W[p + "mlp.up_proj.weight"] = param(F, C)
    W[p + "mlp.down_proj.weight"] = param(C, F)
W["model.norm.weight"] = param(C, std=0.1, base=1.0)

tokens = torch.randint(0, V, (B, T))
targets = torch.randint(0, V, (B, T))
targets[0, 2] = -100  # an ignored (prompt) position
weights = (torch.rand(B, T, dtype=DT) * 2 - 0.5).float().to(DT)  # token-level rewards, some negative


def short(v):
    return float(f"{v:.9g}")


def rms_norm(x, w):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + CFG["rms_norm_eps"]))


def rotate_half(x):
    return torch.cat((-x[..., D // 2:], x[..., : D // 2]), dim=-1)


inv_freq = 1.0 / (CFG["rope_theta"] ** (torch.arange(0, D, 2, dtype=DT) / D))
freqs = torch.outer(torch.arange(T, dtype=DT), inv_freq)
emb = torch.cat((freqs, freqs), dim=-1)
cos, sin = emb.cos(), emb.sin()

x = W["model.embed_tokens.weight"][tokens]
for i in range(L):
    p = f"model.layers.{i}."
    h = rms_norm(x, W[p + "input_layernorm.weight"])
    q = (h @ W[p + "self_attn.q_proj.weight"].T + W[p + "self_attn.q_proj.bias"]).view(B, T, H, D).transpose(1, 2)
    k = (h @ W[p + "self_attn.k_proj.weight"].T + W[p + "self_attn.k_proj.bias"]).view(B, T, G, D).transpose(1, 2)
    v = (h @ W[p + "self_attn.v_proj.weight"].T + W[p + "self_attn.v_proj.bias"]).view(B, T, G, D).transpose(1, 2)
    q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
    k, v = k.repeat_interleave(H // G, dim=1), v.repeat_interleave(H // G, dim=1)
    s = (q @ k.transpose(-1, -2)) / math.sqrt(D)
    s = s.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf"))
    a = (s.softmax(-1) @ v).transpose(1, 2).reshape(B, T, H * D)
    x = x + a @ W[p + "self_attn.o_proj.weight"].T
    h = rms_norm(x, W[p + "post_attention_layernorm.weight"])
    gate, up = h @ W[p + "mlp.gate_proj.weight"].T, h @ W[p + "mlp.up_proj.weight"].T
    x = x + (torch.nn.functional.silu(gate) * up) @ W[p + "mlp.down_proj.weight"].T
x = rms_norm(x, W["model.norm.weight"])
logits = x @ W["model.embed_tokens.weight"].T
nll = torch.nn.functional.cross_entropy(logits.view(-1, V), targets.view(-1), ignore_index=-100, reduction="none")
keep = (targets.view(-1) != -100)
loss = (nll * weights.view(-1) * keep).sum() / keep.sum()
loss.backward()

dump = dict(config=CFG, batch=B, tokens=tokens.view(-1).tolist(), targets=targets.view(-1).tolist(),
            weights=[short(w) for w in weights.view(-1)], loss=loss.item(),
            parameters={n: dict(shape=list(t.shape), data=[short(v) for v in t.detach().view(-1)]) for n, t in W.items()},
            grads={n: [short(v) for v in t.grad.view(-1)] for n, t in W.items()})
out = sys.argv[1] if len(sys.argv) > 1 else "parity_tiny.json"
with open(out, "w") as f:
    json.dump(dump, f, separators=(",", ":"))
print(f"torch {torch.__version__}: loss {loss.item():.10f} -> {out}")
