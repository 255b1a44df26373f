#!/usr/bin/env python3
"""Dev-only converter: SVEN train / PrimeVul-sample rows -> VulnerabilityPair JSONL for Vul2Safe runs.

Stand-in for `srcode data import` (the lead's importer) while it is not merged, used only for the
Vul2Safe measurements in docs/BENCHMARKS.md. C/C++ only. `diff` is left empty: Vul2Safe computes
its own diff. Usage:  dev/pairs_for_vul2safe.py sven ../shared/data/sven/train > pairs.jsonl
                      dev/pairs_for_vul2safe.py primevul ../shared/data/primevul-sample/pairs_dev.jsonl > pairs.jsonl
"""
import hashlib, json, os, re, sys

EMPTY_DIFF = {"deleted_lines": [], "added_lines": [], "deleted_spans": [], "added_spans": []}

def norm_cwe(s):
    m = re.search(r"(\d+)", s or "")
    return f"CWE-{int(m.group(1))}" if m else None

def lang_of(name, label=""):
    label = (label or "").lower()
    if label in ("c",): return "c"
    if label in ("cpp", "c++"): return "cpp"
    ext = os.path.splitext(name or "")[1].lower()
    return {".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp"}.get(ext)

def code_hash(a, b):
    ws = lambda s: " ".join(s.split())
    return hashlib.sha256((ws(a) + "\0" + ws(b)).encode()).hexdigest()[:16]

def sven(folder):
    for fn in sorted(os.listdir(folder)):
        if not fn.endswith(".jsonl"): continue
        for i, line in enumerate(open(os.path.join(folder, fn))):
            r = json.loads(line)
            lang = lang_of(r.get("file_name"))
            if lang is None: continue
            m = re.search(r"github\.com/([^/]+/[^/]+)/commit/([0-9a-f]+)", r.get("commit_link", ""))
            project, commit = (m.group(1), m.group(2)) if m else (None, None)
            yield {"id": f"sven:{fn[:-6]}:{i}", "source": "sven", "project": project, "commit": commit, "cve": None,
                   "cwes": [norm_cwe(r["vul_type"])], "language": lang, "function_name": r.get("func_name"),
                   "file_name": r.get("file_name"), "vulnerable_code": r["func_src_before"], "fixed_code": r["func_src_after"],
                   "diff": EMPTY_DIFF, "metadata": {"commit_link": r.get("commit_link", "")},
                   "code_hash": code_hash(r["func_src_before"], r["func_src_after"])}

def primevul(path):
    for line in open(path):
        r = json.loads(line)
        lang = lang_of(r.get("file_name"), r.get("lang"))
        if lang is None: continue
        cwes = [c for c in (norm_cwe(x) if "NVD" not in x else x for x in r.get("cwe") or []) if c]
        yield {"id": f"primevul-sample:{r['pair_id']}", "source": "primevul-sample", "project": r.get("project"),
               "commit": r.get("commit_id"), "cve": r.get("cve"), "cwes": cwes, "language": lang,
               "function_name": None, "file_name": r.get("file_name") or None,
               "vulnerable_code": r["func_before"], "fixed_code": r["func_after"], "diff": EMPTY_DIFF,
               "metadata": {"cve_description": r.get("cve_desc") or "", "commit_message": r.get("commit_message") or ""},
               "code_hash": code_hash(r["func_before"], r["func_after"])}

if __name__ == "__main__":
    kind, src = sys.argv[1], sys.argv[2]
    for p in (sven(src) if kind == "sven" else primevul(src)):
        print(json.dumps(p))
