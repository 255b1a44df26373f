#!/usr/bin/env python3
"""Copies an evaluation samples.jsonl without its `prompt` fields (atomically: DST.tmp, then rename).

Usage: scripts/strip_prompts.py SRC DST

Why: committed evaluation samples (the proof run's state, scripts/ablation_state.sh; the SFT checks) must not
carry the benchmarks' prompt text: CyberSecEval, LLMSecEval and HumanEval are theirs to publish, and the
project never commits copies of them. The samples stay joinable on `record_id` and `prompt_index` with the
benchmark file, and `srcode eval` resumes from them (a stored sample's prompt is optional). A torn last line
(a killed writer) is copied as it is, so the reader drops it as it would have.
"""
import json
import os
import sys


def strip(src, dst):
    tmp = "%s.tmp.%d" % (dst, os.getpid())
    with open(src, encoding="utf-8") as f, open(tmp, "w", encoding="utf-8") as out:
        for line in f:
            try:
                row = json.loads(line)
            except ValueError:
                out.write(line)
                continue
            row.pop("prompt", None)
            out.write(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n")
    os.replace(tmp, dst)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: strip_prompts.py SRC DST")
    os.makedirs(os.path.dirname(os.path.abspath(sys.argv[2])), exist_ok=True)
    strip(sys.argv[1], sys.argv[2])
