#!/usr/bin/env python3
"""Draws the proof experiment's RL training curves, every arm on the same axes, as one SVG.

Usage: scripts/ablation_curves.py [results/proof-state] > results/ablation-curves.svg

Reads <state>/ppo-*/metrics.jsonl (one line per RL step, as `srcode train ppo` writes it) and draws four
panels against the step: the share of rollouts the oracle flagged, the share that compiled, the mean
response length and the KL to the SFT model. Each step holds only 16 rollouts on 4 new prompts, so the
points are noisy: a line gives the 5-step running mean, and the points stay faint behind it.
Why a script and a hand-written SVG: the curves should be redrawn from the committed logs by anyone,
with nothing installed but Python (each arm's own metrics.svg stays in runs/, which git ignores).
"""
import glob
import math
import json
import os
import sys

PANELS = [("vulnerability_rate", "flagged (share of rollouts)", 1.0, "%.0f%%", 100),
          ("compile_rate", "compiles (share of rollouts)", 1.0, "%.0f%%", 100),
          ("response_tokens", "response tokens (mean)", None, "%.0f", 1),
          ("kl", "KL to the SFT model", None, "%.3f", 1)]
COLORS = {"instance": "#1f77b4", "grpo": "#ff7f0e", "token": "#2ca02c"}
LABELS = {"instance": "PPO, instance-level", "grpo": "GRPO", "token": "PPO, token-level (SRCode)"}
W, H, PAD_L, PAD_R, PAD_T, PAD_B = 420, 220, 56, 16, 28, 34


def load(state):
    """{arm name: [metrics by step]} for every RL arm with a log."""
    arms = {}
    for path in sorted(glob.glob(os.path.join(state, "ppo-*", "metrics.jsonl"))):
        rows = {}
        with open(path) as f:
            for line in f:
                if line.strip():
                    m = json.loads(line)
                    rows[m["step"]] = m  # a resumed run may repeat a step; the last line wins
        arms[os.path.basename(os.path.dirname(path))] = [rows[s] for s in sorted(rows)]
    order = list(COLORS)
    return dict(sorted(arms.items(), key=lambda a: (order.index(kind(a[0])) if kind(a[0]) in order else len(order), a[0])))


def kind(arm):
    """'ppo-token-s1' → 'token'."""
    parts = arm.split("-")
    return parts[1] if len(parts) > 2 else arm


def running_mean(values, window=5):
    out = []
    for i in range(len(values)):
        lo = max(0, i - window + 1)
        out.append(sum(values[lo:i + 1]) / (i + 1 - lo))
    return out


def nice_top(v):
    """The axis top: the first of 1, 2, 2.5, 5 times a power of ten at or above v (4 even ticks)."""
    if v <= 0:
        return 1
    p = 10 ** math.floor(math.log10(v))
    return next(m * p for m in (1, 2, 2.5, 4, 5, 8, 10) if m * p >= v)


def panel(x0, y0, key, title, top, fmt, scale, arms, max_step):
    values = [m.get(key, 0) for rows in arms.values() for m in rows]
    top = top or nice_top(max(values) if values else 0)
    pw, ph = W - PAD_L - PAD_R, H - PAD_T - PAD_B
    sx = lambda s: x0 + PAD_L + pw * (s - 1) / max(1, max_step - 1)
    sy = lambda v: y0 + PAD_T + ph * (1 - min(v, top) / top)
    out = ['<text x="%d" y="%d" font-size="13" font-weight="bold">%s</text>' % (x0 + PAD_L, y0 + 18, title),
           '<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>' % (x0 + PAD_L, y0 + PAD_T, pw, ph)]
    for i in range(5):
        v = top * i / 4
        out.append('<text x="%d" y="%.1f" font-size="10" text-anchor="end">%s</text>' % (x0 + PAD_L - 4, sy(v) + 3, fmt % (v * scale)))
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#eee"/>' % (x0 + PAD_L, x0 + PAD_L + pw, sy(v), sy(v)))
    for s in range(5, max_step + 1, 5):
        out.append('<text x="%.1f" y="%d" font-size="10" text-anchor="middle">%d</text>' % (sx(s), y0 + H - PAD_B + 14, s))
    out.append('<text x="%d" y="%d" font-size="10" text-anchor="middle">RL step</text>' % (x0 + PAD_L + pw // 2, y0 + H - 4))
    for arm, rows in arms.items():
        color = COLORS.get(kind(arm), "#555")
        steps = [m["step"] for m in rows]
        ys = [m.get(key, 0) for m in rows]
        for s, v in zip(steps, ys):
            out.append('<circle cx="%.1f" cy="%.1f" r="2.2" fill="%s" fill-opacity="0.3"/>' % (sx(s), sy(v), color))
        pts = " ".join("%.1f,%.1f" % (sx(s), sy(v)) for s, v in zip(steps, running_mean(ys)))
        out.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>' % (pts, color))
    return out


def main():
    state = sys.argv[1] if len(sys.argv) > 1 else "results/proof-state"
    arms = load(state)
    if not arms:
        sys.exit("ablation_curves: no RL metrics under %s/ppo-*/metrics.jsonl" % state)
    max_step = max(m["step"] for rows in arms.values() for m in rows)
    width, height = 2 * W, 2 * H + 20 * len(arms) + 10
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif">' % (width, height),
           '<rect width="100%" height="100%" fill="white"/>']
    for i, (key, title, top, fmt, scale) in enumerate(PANELS):
        out += panel((i % 2) * W, (i // 2) * H, key, title, top, fmt, scale, arms, max_step)
    for i, arm in enumerate(arms):
        y = 2 * H + 14 + 20 * i
        label = "%s (%s, %d steps; line: 5-step running mean)" % (LABELS.get(kind(arm), arm), arm, len(arms[arm]))
        out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="3"/>' % (PAD_L, PAD_L + 18, y, y, COLORS.get(kind(arm), "#555")))
        out.append('<text x="%d" y="%d" font-size="11">%s</text>' % (PAD_L + 24, y + 4, label))
    out.append("</svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
