#!/usr/bin/env bash
# Builds SFT replay pairs (`data.replay` of an SFT recipe) from the base model's own answers: greedy answers to
# the train split's pattern tasks (one prompt per record, the first 96 records, at most 320 new tokens: the
# base model's answers run 300–500 tokens, so most are cut and kept as prefixes), judged by the built-in
# oracle, turned into pairs by scripts/replay_data.py --keep-cut (answers with code and no high/medium
# finding). Never benchmark prompts, never held-out records. docs/SRCODE.md "Replay" says why.
# Usage: scripts/replay_build.sh PATTERN_DATA OUT.jsonl
#   PATTERN_DATA  PrimeVul+ with pattern-task prompts (`srcode vul2safe build --prompt-style pattern`)
#   OUT.jsonl     the replay pairs; the samples go to OUT.jsonl's folder, under replay-base/
# Resumable (the sampler skips stored samples); SRCODE_BIN picks the binary (default .build/release/srcode).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
DATA=${1:?usage: scripts/replay_build.sh PATTERN_DATA OUT.jsonl}
OUT_FILE=${2:?usage: scripts/replay_build.sh PATTERN_DATA OUT.jsonl}
S=${SRCODE_BIN:-.build/release/srcode}
SAMPLES=$(dirname "$OUT_FILE")/replay-base
[ -s "$OUT_FILE" ] && { echo "replay_build: $OUT_FILE exists"; exit 0; }
mkdir -p "$SAMPLES"
$S eval secure --data "$DATA" --split train --prompts-per-record 1 --max-records 96 --samples 1 --temperature 0 \
  --max-tokens 320 --engine policy --batch 32 --no-compile --model base=qwen2.5-coder-0.5b --out "$SAMPLES"
python3 scripts/replay_data.py --keep-cut "$SAMPLES/base/samples.jsonl" > "$OUT_FILE.tmp"
mv "$OUT_FILE.tmp" "$OUT_FILE"
