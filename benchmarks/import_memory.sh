#!/usr/bin/env bash
# Peak RSS and wall time of `srcode data import` on a generated JSONL of SIZE_MB (default 1024).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${1:-1024}
swift build -c release --product srcode >/dev/null
TMP=$(mktemp -d)
python3 benchmarks/gen_large_jsonl.py "$TMP/large.jsonl" "$SIZE_MB"
/usr/bin/time -v .build/release/srcode data import "$TMP/large.jsonl" --out "$TMP/out.jsonl" --show-rejects 0 \
  2> "$TMP/time.txt" | grep -E "rows|wrote"
grep -E "Maximum resident|Elapsed" "$TMP/time.txt"
rm -rf "$TMP"
