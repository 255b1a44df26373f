#!/usr/bin/env python3
"""One training step (fwd + bwd + AdamW) of the same Llama-family shapes in plain PyTorch eager, CPU.

The anchor for engine-bench: same B, T, model shape, tied embeddings, QKV bias for Qwen2, AdamW with weight
decay 0.1 and global-norm clipping at 1.0. Attention uses F.scaled_dot_product_attention (HF's default "sdpa").
`--lora R` freezes the base and trains LoRA r R (alpha 2R) on q/k/v/o, as engine-bench `--lora R` (PEFT's
formula, written out here so the anchor needs only torch). `--autocast bf16` runs forward and backward under
torch.autocast(cpu, bfloat16): PyTorch's fastest CPU training configuration where the CPU has AVX512-BF16.

    python3 benchmarks/pytorch_train_step.py --shape smollm2-135m --steps 3 --threads 2 [--lora 8] [--autocast bf16]
"""
import argparse
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SHAPES = {
    "smollm2-135m": dict(C=576, L=30, H=9, G=3, FF=1536, V=49152, theta=1e5, eps=1e-5, bias=False),
    "qwen2.5-coder-0.5b": dict(C=896, L=24, H=14, G=2, FF=4864, V=151936, theta=1e6, eps=1e-6, bias=True),
}


class RMSNorm(nn.Module):
    def __init__(self, c, eps):
        super().__init__()
        self.weight, self.eps = nn.Parameter(torch.ones(c)), eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class LoRALinear(nn.Module):
    """y = x Wᵀ + b + (alpha / r) (x Aᵀ) Bᵀ with W, b frozen; B starts at zero (PEFT's initialization)."""

    def __init__(self, base, r):
        super().__init__()
        self.base, self.scale = base, 2.0
        self.A = nn.Parameter(torch.randn(r, base.in_features) / base.in_features ** 0.5)
        self.B = nn.Parameter(torch.zeros(base.out_features, r))

    def forward(self, x):
        return self.base(x) + self.scale * F.linear(F.linear(x, self.A), self.B)


class Block(nn.Module):
    def __init__(self, s):
        super().__init__()
        C, H, G, D = s["C"], s["H"], s["G"], s["C"] // s["H"]
        self.H, self.G, self.D = H, G, D
        self.ln1, self.ln2 = RMSNorm(C, s["eps"]), RMSNorm(C, s["eps"])
        self.q = nn.Linear(C, H * D, bias=s["bias"])
        self.k = nn.Linear(C, G * D, bias=s["bias"])
        self.v = nn.Linear(C, G * D, bias=s["bias"])
        self.o = nn.Linear(H * D, C, bias=False)
        self.gate, self.up = nn.Linear(C, s["FF"], bias=False), nn.Linear(C, s["FF"], bias=False)
        self.down = nn.Linear(s["FF"], C, bias=False)

    def forward(self, x, cos, sin):
        B, T, _ = x.shape
        h = self.ln1(x)
        q = self.q(h).view(B, T, self.H, self.D).transpose(1, 2)
        k = self.k(h).view(B, T, self.G, self.D).transpose(1, 2)
        v = self.v(h).view(B, T, self.G, self.D).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        rep = self.H // self.G
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(B, T, -1)
        x = x + self.o(a)
        h = self.ln2(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Model(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.embed = nn.Embedding(s["V"], s["C"])
        self.layers = nn.ModuleList(Block(s) for _ in range(s["L"]))
        self.norm = RMSNorm(s["C"], s["eps"])
        D = s["C"] // s["H"]
        self.inv_freq = 1.0 / (s["theta"] ** (torch.arange(0, D, 2).float() / D))

    def forward(self, tokens, targets):
        T = tokens.shape[1]
        f = torch.outer(torch.arange(T).float(), self.inv_freq)
        emb = torch.cat((f, f), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        x = self.embed(tokens)
        for layer in self.layers:
            x = layer(x, cos, sin)
        logits = self.norm(x) @ self.embed.weight.T  # tied head
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.reshape(-1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", default="smollm2-135m", choices=sorted(SHAPES))
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--lora", type=int, default=0, help="LoRA rank on q/k/v/o with the base frozen (0: full fine-tuning)")
    ap.add_argument("--autocast", choices=["none", "bf16"], default="none")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    s = SHAPES[a.shape]
    model = Model(s)
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
    if a.lora:
        for p in model.parameters():
            p.requires_grad_(False)
        for layer in model.layers:
            for name in ("q", "k", "v", "o"):
                setattr(layer, name, LoRALinear(getattr(layer, name), a.lora))
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.1)
    tokens = torch.randint(0, s["V"], (a.batch, a.seq + 1))
    x, y = tokens[:, :-1], tokens[:, 1:]
    times = []
    for step in range(a.steps + 1):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.autocast == "bf16"):
            loss = model(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        dt = time.perf_counter() - t0
        if step > 0:
            times.append(dt)
        print(f"  step {step}: loss {loss.item():.4f}  {dt:.2f}s{' (warm-up)' if step == 0 else ''}", flush=True)
    med = sorted(times)[len(times) // 2]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"RESULT torch precision={'bf16' if a.autocast == 'bf16' else 'f32'} lora={a.lora} shape={a.shape} tokens_per_s={a.batch * a.seq / med:.1f} step_s={med:.3f} "
          f"peak_rss_gib={rss:.2f} torch={torch.__version__} threads={torch.get_num_threads()}")


if __name__ == "__main__":
    main()
