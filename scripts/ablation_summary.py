#!/usr/bin/env python3
"""Collects the proof experiment's evaluation reports into one machine-readable summary (results/ablation.json).

Usage: scripts/ablation_summary.py runs/proof/eval > results/ablation.json

Reads, for every arm (a folder name under each benchmark):
  cyberseceval/<arm>/benchmark.json, llmseceval/<arm>/benchmark.json   (srcode eval run: both judges)
  primevul-test/<arm>/report.json                                       (srcode eval secure: built-in oracle)
  humaneval/<arm>/pass_at_1.json                                         (srcode eval complete)
and the paired tests in <benchmark>/paired.json. Missing files are left out, never invented.
Arms with a seed suffix (srcode-token-s1, -s2, ...) are listed as they are; docs/RESULTS.md pools them.
"""
import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def interval(o):
    """A RateInterval-like dict (rate, low, high, count, total) or None."""
    if not o:
        return None
    return {k: o[k] for k in ("rate", "low", "high", "count", "total") if k in o}


def main(root):
    out = {"schema": "srcode-ablation/1", "root": root, "arms": {}, "paired": {}}
    arms = out["arms"]
    for bench in ("cyberseceval", "llmseceval"):
        d = os.path.join(root, bench)
        if not os.path.isdir(d):
            continue
        for arm in sorted(os.listdir(d)):
            b = load(os.path.join(d, arm, "benchmark.json"))
            if not b:
                continue
            entry = {"samples": b.get("samples"), "prompts": b.get("prompts"),
                     "compile_rate": interval(b.get("compile_rate")), "truncated_rate": b.get("truncated_rate")}
            for j in b.get("judges", []):
                entry["insecure_" + j["judge"]] = interval(j.get("overall"))
            arms.setdefault(arm, {})[bench] = entry
        p = load(os.path.join(d, "paired.json"))
        if p is not None:
            out["paired"][bench] = p
    d = os.path.join(root, "primevul-test")
    if os.path.isdir(d):
        for arm in sorted(os.listdir(d)):
            r = load(os.path.join(d, arm, "report.json"))
            if not r:
                continue
            o = r["overall"]
            entry = {"samples": o["samples"], "insecure_builtin": {"rate": o["vulnerability_rate"], "count": o["vulnerable"], "total": o["samples"]}}
            if o.get("compile_checked"):
                entry["compile_rate"] = {"rate": o["compiled"] / o["compile_checked"], "count": o["compiled"], "total": o["compile_checked"]}
            arms.setdefault(arm, {})["primevul-test"] = entry
    d = os.path.join(root, "humaneval")
    if os.path.isdir(d):
        for arm in sorted(os.listdir(d)):
            p = load(os.path.join(d, arm, "pass_at_1.json"))
            if p:
                arms.setdefault(arm, {})["humaneval"] = {"pass_at_1": interval(p)}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: ablation_summary.py <runs/proof/eval>")
    main(sys.argv[1])
