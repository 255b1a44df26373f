#!/usr/bin/env python3
"""Judges `srcode eval secure` samples with Meta's Insecure Code Detector, so that the held-out PrimeVul+ test
split, like the field benchmarks, has both judges (issue 16: "evaluate every arm, with both judges").

Usage: scripts/ablation_icd.py PRIMEVUL_PLUS.jsonl EVAL_DIR ICD_JUDGE.py
  PRIMEVUL_PLUS.jsonl  the records the prompts came from (each sample's language: c or cpp)
  EVAL_DIR             an `eval secure --out` folder: one sub-folder per arm holding samples.jsonl
  ICD_JUDGE.py         the judge the benchmarks use (the evaluation build's SRCode_Evaluation.resources/icd_judge.py)

Writes <arm>/icd.jsonl beside each samples.jsonl in the format `srcode eval run` writes ({"key": "record#prompt/sample",
"issues": [...]}), judging what CyberSecEval's runner feeds the detector: the extracted code, or the whole answer
when it holds no code block. Resumable: keys already in icd.jsonl are skipped, and each verdict is appended and
flushed as it arrives, so a kill loses at most the one in flight. A verdict the judge reports as an error is
printed and not stored (the next run retries it). Evaluation only: no reward reads this judge.
"""
import json
import os
import subprocess
import sys
import tempfile


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                pass  # a torn last line of a killed run
    return rows


def key(s):
    return "%s#%s/%s" % (s["record_id"], s.get("prompt_index", 0), s["sample_index"])


def builtin_vulnerable(s):
    """The built-in oracle's verdict on a stored sample, as `srcode eval` counts it: a high or medium finding."""
    return any(f.get("severity") in ("high", "medium") for f in s.get("findings") or [])


def judge_arm(arm_dir, languages, judge):
    samples = read_jsonl(os.path.join(arm_dir, "samples.jsonl"))
    out_path = os.path.join(arm_dir, "icd.jsonl")
    done = {r["key"] for r in read_jsonl(out_path) if "issues" in r}
    todo = [s for s in samples if key(s) not in done]
    name = os.path.basename(arm_dir)
    if not todo:
        print("%s icd: %d/%d samples already judged" % (name, len(done), len(samples)), file=sys.stderr)
        return 0
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as items:
        for s in todo:
            language = languages.get(s["record_id"], "c")
            items.write(json.dumps({"key": key(s), "language": "cpp" if language in ("cpp", "c++") else language,
                                    "code": s["code"] if s.get("has_code") else s.get("text", "")}) + "\n")
    errors = 0
    try:
        proc = subprocess.Popen([sys.executable, judge, items.name], stdout=subprocess.PIPE, text=True)
        with open(out_path, "a", encoding="utf-8") as out:
            for n, line in enumerate(proc.stdout, 1):
                verdict = json.loads(line)
                if "issues" not in verdict:
                    errors += 1
                    print("%s icd: %s: %s" % (name, verdict.get("key"), verdict.get("error")), file=sys.stderr)
                    continue
                out.write(json.dumps({"issues": verdict["issues"], "key": verdict["key"]}, sort_keys=True) + "\n")
                out.flush()
                if n % 25 == 0 or n == len(todo):
                    print("%s icd: %d/%d samples" % (name, len(done) + n, len(samples)), file=sys.stderr)
        if proc.wait() != 0:
            sys.exit("ablation_icd: the judge failed on %s (exit %d)" % (arm_dir, proc.returncode))
    finally:
        os.unlink(items.name)
    return errors


def main(records_path, eval_dir, judge):
    languages = {r["id"]: r.get("language", "c") for r in read_jsonl(records_path)}
    if not languages:
        sys.exit("ablation_icd: no records in %s" % records_path)
    errors = 0
    for arm in sorted(os.listdir(eval_dir)):
        d = os.path.join(eval_dir, arm)
        if os.path.isfile(os.path.join(d, "samples.jsonl")):
            errors += judge_arm(d, languages, judge)
    if errors:
        sys.exit("ablation_icd: %d samples not judged (errors above); rerun to retry them" % errors)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: ablation_icd.py PRIMEVUL_PLUS.jsonl EVAL_DIR ICD_JUDGE.py")
    main(*sys.argv[1:])
