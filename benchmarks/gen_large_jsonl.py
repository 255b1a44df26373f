#!/usr/bin/env python3
"""Generate a large SVEN/PrimeVul-style JSONL for the import memory benchmark.

Rows are real fix pairs (from ../shared/data when present, else a built-in pair) made unique with a
numbered comment, so deduplication keeps them all; every 50th row is a PrimeVul single-function row
pair, and every 1000th line is malformed, to exercise the slow paths too.
usage: gen_large_jsonl.py OUT.jsonl SIZE_MB
"""
import glob, json, os, sys

out, size_mb = sys.argv[1], int(sys.argv[2])
here = os.path.dirname(os.path.abspath(__file__))
rows = []
for f in sorted(glob.glob(os.path.join(here, "../../shared/data/sven/train/*.jsonl"))):
    rows += [json.loads(l) for l in open(f)]
if not rows:
    v = "int copy(char *d, const char *s) {\n    strcpy(d, s);\n    return 0;\n}\n"
    rows = [{"func_name": "copy", "func_src_before": v, "func_src_after": v.replace("strcpy(d, s)", "strlcpy(d, s, 64)"),
             "vul_type": "cwe-787", "commit_link": "github.com/a/b/commit/c", "file_name": "a.c"}]
target = size_mb << 20
written, i = 0, 0
with open(out, "w") as fh:
    while written < target:
        r = dict(rows[i % len(rows)])
        tag = f"/* variant {i} */\n"
        if i % 1000 == 999:
            line = '{"func_src_before": "truncated'
        elif i % 50 == 49:
            vul = {"idx": 2 * i, "project": "gen", "commit_id": f"g{i}", "target": 1, "func": tag + r["func_src_before"],
                   "cwe": [r["vul_type"].upper()], "cve": "CVE-0000-0000", "file_name": r["file_name"]}
            fix = dict(vul, idx=2 * i + 1, target=0, func=tag + r["func_src_after"])
            line = json.dumps(vul) + "\n" + json.dumps(fix)
        else:
            r["func_src_before"] = tag + r["func_src_before"]
            r["func_src_after"] = tag + r["func_src_after"]
            r.pop("char_changes", None); r.pop("line_changes", None)
            r["commit_link"] = r["commit_link"] + f"-{i}"
            line = json.dumps(r)
        fh.write(line + "\n")
        written += len(line) + 1
        i += 1
print(f"wrote {written} bytes, {i} records to {out}")
