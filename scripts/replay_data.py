#!/usr/bin/env python3
"""Turns stored `srcode eval secure` samples into SFT replay pairs (`data.replay` of an SFT recipe).

Usage: scripts/replay_data.py SAMPLES.jsonl > replay.jsonl

Keeps the answers that ended on their own (finish_reason "stop": a cut answer would teach stopping mid-answer)
and hold code, one per prompt, as {"prompt": ..., "response": ...} with the response verbatim. Why: replaying
the base model's own answers beside the PrimeVul+ examples keeps the fine-tune from drifting (docs/SRCODE.md,
"Replay"). Sample the base model on prompts that are neither benchmark prompts nor held-out records, for
example the pattern tasks of the train split, and give the SFT recipe a max_length that holds prompt and answer
(SFT drops pairs that do not fit). On 2026-12-07 the base model's answers to pattern tasks did not fit:
at 512 tokens 28 of 64 ended on their own and only 3 of those fit max_length 512; at 320 tokens none of 96
ended. So raise the recipe's max_length (about 1,024) or pick prompts with short natural answers:

  srcode eval secure --data runs/proof/primevul-pattern/primevul_plus.jsonl --split train --prompts-per-record 1 \\
      --max-records 96 --samples 1 --temperature 0 --max-tokens 512 --engine policy --batch 32 --no-compile \\
      --model base=qwen2.5-coder-0.5b --out runs/sft-check/replay-base
"""
import json
import sys

from ablation_icd import read_jsonl  # the samples reader that drops a killed run's torn last line


def main(path):
    samples = read_jsonl(path)
    seen = set()
    for s in samples:
        key = (s.get("record_id"), s.get("prompt_index"))
        if key in seen or not s.get("prompt") or s.get("finish_reason") != "stop" or not s.get("has_code"):
            continue
        seen.add(key)
        print(json.dumps({"prompt": s["prompt"], "response": s["text"]}, ensure_ascii=False))
    print("replay_data: %d of %d samples kept (ended on their own, with code, one per prompt)" % (len(seen), len(samples)),
          file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: replay_data.py SAMPLES.jsonl > replay.jsonl")
    main(sys.argv[1])
