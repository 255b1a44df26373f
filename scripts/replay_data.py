#!/usr/bin/env python3
"""Turns stored `srcode eval secure` samples into SFT replay pairs (`data.replay` of an SFT recipe).

Usage: scripts/replay_data.py [--keep-cut] SAMPLES.jsonl > replay.jsonl

Keeps the answers that hold code and no high/medium finding of the built-in oracle (the replay keeps the base
model's behaviour, not its flaws), one per prompt, as {"prompt": ..., "response": ...} with the response
verbatim. Without --keep-cut only answers that ended on their own (finish_reason "stop") are kept; with it,
answers cut by the sampler's cap are kept too, marked {"cut": true}: SFT trains them as a prefix without an
end-of-turn target (docs/SRCODE.md, "Replay"), so they teach no stop mid-answer. Why: replaying
the base model's own answers beside the PrimeVul+ examples keeps the fine-tune from drifting (docs/SRCODE.md,
"Replay"). Sample the base model on prompts that are neither benchmark prompts nor held-out records, for
example the pattern tasks of the train split, and give the SFT recipe a max_length that holds prompt and answer
(SFT drops pairs that do not fit). On 2026-12-07 the base model's answers to pattern tasks did not fit:
at 512 tokens 28 of 64 ended on their own and only 3 of those fit max_length 512; at 320 tokens none of 96
ended. So keep cut answers (--keep-cut), raise the recipe's max_length (about 1,024), or pick prompts with short
natural answers. scripts/replay_build.sh samples the base model (train-split pattern tasks, greedy, 320 tokens)
and runs this script with --keep-cut.
"""
import json
import sys

from ablation_icd import builtin_vulnerable, read_jsonl  # the built-in verdict; the reader that drops a torn line


def main(path, keep_cut):
    samples = read_jsonl(path)
    seen = set()
    for s in samples:
        key = (s.get("record_id"), s.get("prompt_index"))
        ended = s.get("finish_reason") == "stop"
        if key in seen or not s.get("prompt") or not s.get("has_code") or builtin_vulnerable(s) or not (ended or keep_cut):
            continue
        seen.add(key)
        pair = {"prompt": s["prompt"], "response": s["text"]}
        if not ended:
            pair["cut"] = True
        print(json.dumps(pair, ensure_ascii=False))
    what = "ended on their own or cut" if keep_cut else "ended on their own"
    print("replay_data: %d of %d samples kept (%s, with code, no high/medium finding, one per prompt)"
          % (len(seen), len(samples), what), file=sys.stderr)


if __name__ == "__main__":
    args = sys.argv[1:]
    keep_cut = "--keep-cut" in args
    args = [a for a in args if a != "--keep-cut"]
    if len(args) != 1:
        sys.exit("usage: replay_data.py [--keep-cut] SAMPLES.jsonl > replay.jsonl")
    main(args[0], keep_cut)
