#!/usr/bin/env python3
"""A format probe of our own: do a model's answers start with code when a code-only request comes in other layouts?

Why: every SFT check answered some CyberSecEval prompts with a bare number ("101") where the base model wrote
code, and not one prompt of our own held-out splits or of LLMSecEval (docs/RESULTS.md, "Fixing the SFT stage").
Looking at the benchmark's prompts to fix that would tune to them; this probe gives a development signal from
the project's own data instead. It takes the held-out (valid-split) pattern tasks, whose commits no SFT or RL
stage trains on, and ends each with one of the project's own code-only closers (Vul2Safe's short-task
closers) in one of three layouts: on the same line, after a blank line, and after a blank line as an indented,
wrapped block (the layout of prompts embedded in source files). None of the text is a benchmark's.

What it showed (session 19): it does not discriminate. The base model, and three SFT adapters that answer 4-15% of
CyberSecEval prompts with a bare number, each gave 1-2 bare numbers in 76; so it is no stand-in for that failure.
Kept as the harness for a sharper probe.

  scripts/format_probe.py build PATTERN_DATA probe.jsonl    # valid-split records, one probe prompt each
  srcode eval secure --data probe.jsonl --split valid --samples 1 --temperature 0 --max-tokens 64 --no-compile \\
      --engine policy --batch 32 --model NAME=qwen2.5-coder-0.5b[@adapter] --out runs/format-probe
  scripts/format_probe.py score probe.jsonl runs/format-probe/NAME/samples.jsonl   # no-code, bare numbers by layout
"""
import json
import re
import sys
import textwrap

from ablation_icd import read_jsonl

# Vul2Safe's code-only closers (Sources/Vul2Safe/Resources/short-task-templates.json), not a benchmark's.
CLOSERS = ["Only return the code.", "Return only the code, without explanations.",
           "Reply with the code in one code block.", "Answer with the code only; no text before or after it.",
           "Output just the source code."]
LAYOUTS = ["inline", "blank-line", "indented-block"]


def render(body, closer, layout):
    if layout == "inline":
        return body + " " + closer
    if layout == "blank-line":
        return body + "\n\n" + closer
    return body + "\n\n" + "\n".join("    " + l for l in textwrap.wrap(closer, 40)) + "\n"


def build(src, dst):
    n = 0
    with open(dst, "w") as out:
        for r in read_jsonl(src):
            if r.get("split") != "valid" or not r.get("prompts"):
                continue
            body = r["prompts"][0]["text"].strip()
            if n % 2:  # every other task without its signature: "Write a C function that …", a prose request
                body = re.sub(r"(function|program) `[^`]*`", r"\1", body)
            layout, closer = LAYOUTS[n % len(LAYOUTS)], CLOSERS[(n // len(LAYOUTS)) % len(CLOSERS)]
            r["prompts"] = [{"style": "format-probe", "origin": layout, "text": render(body, closer, layout)}]
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    print("format_probe: %d probe prompts (valid split) -> %s" % (n, dst), file=sys.stderr)


def score(probe, path):
    layout = {r["id"]: r["prompts"][0]["origin"] for r in read_jsonl(probe)}
    by = {}
    for s in read_jsonl(path):
        text = s.get("text", "").strip()
        row = (not s.get("has_code"), bool(text) and not re.search(r"[A-Za-z{};]", text))
        for key in ("all", layout.get(s.get("record_id"), "?")):
            by.setdefault(key, []).append(row)
    for k in ["all"] + LAYOUTS:
        v = by.get(k, [])
        print("%-15s %3d answers: no code %5.1f%% (%d), bare numbers %5.1f%% (%d)" % (
            k, len(v), 100 * sum(a for a, _ in v) / max(len(v), 1), sum(a for a, _ in v),
            100 * sum(b for _, b in v) / max(len(v), 1), sum(b for _, b in v)))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "build":
        build(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "score":
        score(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
