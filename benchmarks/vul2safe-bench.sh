#!/usr/bin/env bash
# Vul2Safe end-to-end measurement on SVEN train (C/C++) and the PrimeVul sample: the offline anchor
# (no teacher) and a run through a teacher, per dataset. Prints each run's summary (records/min,
# accept rate, rejections per gate, overhead share); summary.json holds the same figures.
#   benchmarks/vul2safe-bench.sh [PAIRS] [OUT] [TEACHER_URL MODEL]
# PAIRS is per dataset: one number for both, or SVEN,PRIMEVUL (e.g. 6,4).
# Without TEACHER_URL the local teacher is used: `srcode serve` on the embedded default
# (Qwen2.5-Coder-0.5B-Instruct). The pairs are every k-th C/C++ pair of each dataset (deterministic,
# spread over its CWEs), so a small run still sees the data's mix.
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${1:-10}; OUT=${2:-/tmp/vul2safe-bench}; URL=${3:-}; MODEL=${4:-qwen2.5-coder-0.5b}
N_SVEN=${PAIRS%%,*}; N_PRIMEVUL=${PAIRS##*,}
DATA=${SRCODE_DATA:-../shared/data}
SRCODE=${SRCODE_BIN:-.build/release/srcode}
[ -x "$SRCODE" ] || swift build -c release --product srcode
mkdir -p "$OUT"

# MARK: - Input: import, keep C/C++, take every k-th pair
$SRCODE data import "$DATA/sven/train" --out "$OUT/sven-all.jsonl" >/dev/null
$SRCODE data import "$DATA/primevul-sample/pairs_dev.jsonl" --out "$OUT/primevul-all.jsonl" >/dev/null
for spec in "sven $N_SVEN" "primevul $N_PRIMEVUL"; do
  set -- $spec
  python3 - "$OUT/$1-all.jsonl" "$2" > "$OUT/$1.jsonl" <<'PY'
import json, sys
rows = [l for l in open(sys.argv[1]) if json.loads(l)["language"] in ("c", "cpp")]
n = int(sys.argv[2]); k = max(1, len(rows) // n)
sys.stdout.writelines(rows[::k][:n])
PY
done

# MARK: - Teacher
if [ -z "$URL" ]; then
  $SRCODE serve --model "$MODEL" --port 0 > "$OUT/server.log" 2>&1 & SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 120); do grep -q "http://" "$OUT/server.log" 2>/dev/null && break; sleep 1; done
  URL=$(grep -o 'http://[0-9.:]*/v1' "$OUT/server.log" | head -1)
  [ -n "$URL" ] || { echo "vul2safe-bench: srcode serve did not start (see $OUT/server.log)"; exit 1; }
fi

# MARK: - Runs
for set in sven primevul; do
  rm -rf "$OUT/$set-offline" "$OUT/$set-teacher"
  echo "== $set: offline (anchor: no teacher)"
  $SRCODE vul2safe build --input "$OUT/$set.jsonl" --out "$OUT/$set-offline" --offline --quiet
  echo "== $set: teacher $MODEL at $URL"
  $SRCODE vul2safe build --input "$OUT/$set.jsonl" --out "$OUT/$set-teacher" --teacher "$URL" --model "$MODEL" \
    --concurrency 1 --rounds 1 --max-tokens 384 --timeout 1800 --quiet
done
