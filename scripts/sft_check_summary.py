#!/usr/bin/env python3
"""One table for SFT checks (scripts/sft_check.sh) beside the proof's own base and SFT arms.

Usage: scripts/sft_check_summary.py ROOT [ROOT ...]
  ROOT  an evaluation root (runs/proof/eval, or runs/sft-check/NAME): humaneval/<arm>/ and cyberseceval/<arm>/
Prints a Markdown table, one row per arm found, with the figures that decide whether an SFT stage is fit to
start RL from: HumanEval pass@1, CyberSecEval's answers-without-code rate, its insecure rates under both
judges (all answers, and among the answers with code) and its compile rate. The figures and intervals are
ablation_summary.py's, from the same files, so a check and the proof's arms compare like for like.
"""
import os
import sys

from ablation_summary import arm_dirs, benchmark_entry, interval, load


def pct(o):
    if not o:
        return "—"
    s = "%.1f%%" % (100 * o["rate"])
    if "low" in o:
        s += " [%.1f, %.1f]" % (100 * o["low"], 100 * o["high"])
    return s + (" (%d/%d)" % (o["count"], o["total"]) if "count" in o else "")


def rows(root):
    arms = {}
    d = os.path.join(root, "humaneval")
    for arm in arm_dirs(d) if os.path.isdir(d) else []:
        arms.setdefault(arm, {})["humaneval"] = interval(load(os.path.join(d, arm, "pass_at_1.json")))
    d = os.path.join(root, "cyberseceval")
    for arm in arm_dirs(d) if os.path.isdir(d) else []:
        entry = benchmark_entry(os.path.join(d, arm))
        if entry:
            arms.setdefault(arm, {}).update(entry)
    return arms


def main(roots):
    print("| arm (root) | HumanEval pass@1 | CSE no code | CSE insecure, ICD | CSE insecure, built-in "
          "| CSE insecure with code, ICD | CSE insecure with code, built-in | CSE compile |")
    print("|---|---|---|---|---|---|---|---|")
    for root in roots:
        for arm, e in sorted(rows(root).items()):
            nc = e.get("no_code_rate")
            print("| %s (`%s`) | %s | %s | %s | %s | %s | %s | %s |" % (
                arm, root, pct(e.get("humaneval")), "—" if nc is None else "%.1f%%" % (100 * nc),
                pct(e.get("insecure_icd")), pct(e.get("insecure_builtin")),
                pct(e.get("insecure_icd_with_code")), pct(e.get("insecure_builtin_with_code")), pct(e.get("compile_rate"))))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: sft_check_summary.py ROOT [ROOT ...]")
    main(sys.argv[1:])
