#!/usr/bin/env python3
"""Renders the proof experiment's result tables for docs/RESULTS.md from the files the run wrote.

Usage: scripts/ablation_report.py results/ablation.json [runs/proof/eval] > results/ablation.md

Reads results/ablation.json (scripts/ablation_summary.py) and, for the per-CWE rows, each arm's
<eval>/{cyberseceval,llmseceval}/<arm>/benchmark.json. Prints markdown: the headline table (every rate
with its 95% prompt-level interval, as the reports hold it), the paired tests of each SRCode arm against
the other arms, per-CWE rows for both judges, and issue 16's acceptance criterion by criterion, as
ablation_summary.py decided it. Nothing is recomputed here; a missing input shows as "—".
Why a script: the document's numbers should be the run's numbers, re-derivable by anyone with the files.
"""
import json
import os
import sys

ORDER = ["base", "sft", "ppo-instance", "grpo", "srcode-token"]


def arm_key(arm):
    """Table order: base, sft, then the RL arms by kind and seed."""
    for i, prefix in enumerate(ORDER):
        if arm == prefix or arm.startswith(prefix + "-s"):
            return (i, arm)
    return (len(ORDER), arm)


def pct(o):
    """'12.5% [8.1, 17.0] (30/240)' from a rate-interval dict, or '—'."""
    if not o or o.get("rate") is None:
        return "—"
    s = "%.1f%%" % (100 * o["rate"])
    if "low" in o and "high" in o:
        s += " [%.1f, %.1f]" % (100 * o["low"], 100 * o["high"])
    if "count" in o and "total" in o:
        s += " (%d/%d)" % (o["count"], o["total"])
    return s


def get(arms, arm, bench, key):
    return ((arms.get(arm) or {}).get(bench) or {}).get(key)


def headline(arms):
    cols = [("cyberseceval", "insecure_icd", "CSE insecure, ICD"), ("cyberseceval", "insecure_builtin", "CSE insecure, built-in"),
            ("cyberseceval", "compile_rate", "CSE compile"), ("llmseceval", "insecure_icd", "LLMSecEval insecure, ICD"),
            ("llmseceval", "insecure_builtin", "LLMSecEval insecure, built-in"), ("llmseceval", "compile_rate", "LLMSecEval compile"),
            ("primevul-test", "insecure_icd", "PrimeVul+ test insecure, ICD"),
            ("primevul-test", "insecure_builtin", "PrimeVul+ test insecure, built-in"), ("humaneval", "pass_at_1", "HumanEval pass@1")]
    lines = ["| arm | " + " | ".join(c[2] for c in cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for arm in sorted(arms, key=arm_key):
        lines.append("| %s | " % arm + " | ".join(pct(get(arms, arm, b, k)) for b, k, _ in cols) + " |")
    return lines


def with_code(arms):
    """The security benchmarks' rates among the answers that hold code and over all answers with an answer without
    code counted as insecure, beside the share without code."""
    kinds = ("insecure with code, ICD", "insecure with code, built-in", "insecure or no code, ICD", "insecure or no code, built-in")
    lines = ["| arm | " + " | ".join("%s %s" % (b, c) for b in ("CSE", "LLMSecEval") for c in ("no code",) + kinds) + " |",
             "|---" * 11 + "|"]
    for arm in sorted(arms, key=arm_key):
        cells = []
        for bench in ("cyberseceval", "llmseceval"):
            nc = get(arms, arm, bench, "no_code_rate")
            cells += ["—" if nc is None else "%.1f%%" % (100 * nc)]
            cells += [pct(get(arms, arm, bench, "insecure_%s_%s" % (judge, kind)))
                      for kind in ("with_code", "or_no_code") for judge in ("icd", "builtin")]
        lines.append("| %s | " % arm + " | ".join(cells) + " |")
    return lines


def pooled_table(arms):
    """The security benchmarks for the base, SFT and the pooled RL arms: the benchmark's count, the count with an
    answer without code as insecure, and the share without code."""
    cols = [(b, k) for b in ("cyberseceval", "llmseceval")
            for k in ("insecure_icd", "insecure_builtin", "insecure_icd_or_no_code", "insecure_builtin_or_no_code", "no_code_rate")]
    names = {"insecure_icd": "insecure, ICD", "insecure_builtin": "insecure, built-in", "insecure_icd_or_no_code":
             "insecure or no code, ICD", "insecure_builtin_or_no_code": "insecure or no code, built-in", "no_code_rate": "no code"}
    lines = ["| arm | " + " | ".join("%s %s" % ({"cyberseceval": "CSE", "llmseceval": "LLMSecEval"}[b], names[k]) for b, k in cols) + " |",
             "|---" * (len(cols) + 1) + "|"]
    for arm in sorted(arms, key=arm_key):
        cells = []
        for b, k in cols:
            v = get(arms, arm, b, k)
            cells.append(("—" if v is None else "%.1f%%" % (100 * v)) if k == "no_code_rate" else pct(v))
        lines.append("| %s | " % arm + " | ".join(cells) + " |")
    return lines


def paired_rows(paired, tokens):
    lines = ["| benchmark | judge | A | B (SRCode) | B − A [95% CI] | paired bootstrap p | McNemar p (only A / only B) |",
             "|---|---|---|---|---|---|---|"]
    for bench in ("cyberseceval", "llmseceval"):
        for row in paired.get(bench, []):
            if row["b"] not in tokens and row["a"] not in tokens:
                continue
            t = row["test"]
            a, b, sign = (row["a"], row["b"], 1) if row["b"] in tokens else (row["b"], row["a"], -1)
            lo, hi = sorted((sign * t["low"], sign * t["high"]))
            only = (t["onlyA"], t["onlyB"]) if sign == 1 else (t["onlyB"], t["onlyA"])
            lines.append("| %s | %s | %s | %s | %+.1f pts [%+.1f, %+.1f] | %.4f | %.4f (%d / %d) |" % (
                bench, row["judge"], a, b, 100 * sign * t["difference"], 100 * lo, 100 * hi,
                t["bootstrapP"], t["mcnemarP"], only[0], only[1]))
    return lines


def per_cwe(eval_root, arms, bench):
    """Rows: CWE × judge; columns: arms. From each arm's benchmark.json per_cwe."""
    data = {}
    for arm in arms:
        path = os.path.join(eval_root, bench, arm, "benchmark.json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            b = json.load(f)
        for j in b.get("judges", []):
            for cwe, o in (j.get("per_cwe") or {}).items():
                data.setdefault((cwe, j["judge"]), {})[arm] = o
    ordered = sorted(arms, key=arm_key)
    lines = ["| CWE (the prompt's) | judge | " + " | ".join(ordered) + " |", "|---|---" + "|---" * len(ordered) + "|"]
    for (cwe, judge) in sorted(data):
        row = data[(cwe, judge)]
        cells = []
        for arm in ordered:
            o = row.get(arm)
            cells.append("—" if not o else "%.0f%% (%d/%d)" % (100 * o["rate"], o["count"], o["total"]))
        lines.append("| %s | %s | " % (cwe, judge) + " | ".join(cells) + " |")
    return lines


def criteria(target):
    lines = ["| SRCode arm | criterion | met | figures |", "|---|---|---|---|"]
    for arm in sorted(target):
        for name, c in sorted(target[arm].items()):
            if name == "all_met":
                continue
            figures = {k: v for k, v in c.items() if k != "met"}
            text = ", ".join("%s %s" % (k, pct(v) if isinstance(v, dict) else
                                        ("%.4f" % v if isinstance(v, float) else v)) for k, v in sorted(figures.items()))
            verdict = {True: "yes", False: "**no**", None: "— (input missing)"}[c.get("met")]
            lines.append("| %s | %s | %s | %s |" % (arm, name.replace("_", " "), verdict, text))
        lines.append("| %s | **all** | %s | |" % (arm, {True: "**yes**", False: "**no**", None: "—"}[target[arm].get("all_met")]))
    return lines


def main(summary_path, eval_root=None):
    with open(summary_path) as f:
        s = json.load(f)
    eval_root = eval_root or s.get("root")
    arms, paired, target = s["arms"], s.get("paired", {}), s.get("target", {})
    tokens = [a for a in arms if a.startswith("srcode-token")]
    out = ["### Headline (95% prompt-level bootstrap intervals)", ""] + headline(arms)
    out += ["", "### The same benchmarks among the answers with code, and with an answer without code counted as insecure "
            "(intervals: scripts/ablation_summary.py's bootstrap)", ""] + with_code(arms)
    out += ["", "### Paired tests: SRCode against every other arm (same prompts, same sample slots)", ""] + paired_rows(paired, tokens)
    for bench in ("cyberseceval", "llmseceval"):
        out += ["", "### Per CWE, %s (insecure rate by the prompt's CWE)" % bench, ""] + per_cwe(eval_root, list(arms), bench)
    pool = s.get("pooled")
    if pool:
        shown = {a: arms[a] for a in ("base", "sft") if a in arms}
        shown.update(pool["arms"])
        seeds = ", ".join(str(n) for n in pool["seeds"])
        out += ["", "### The RL arms with seeds %s pooled per prompt (scripts/ablation_summary.py)" % seeds, ""] + pooled_table(shown)
        out += ["", "### Paired tests on the pooled seeds: SRCode against the instance-level arms", ""]
        out += paired_rows(pool["paired"], [a for a in pool["arms"] if a.startswith("srcode-token")])
    out += ["", "### Issue 16's acceptance, criterion by criterion (scripts/ablation_summary.py)", ""] + criteria(target)
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: ablation_report.py results/ablation.json [runs/proof/eval]")
    main(*sys.argv[1:])
