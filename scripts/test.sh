#!/usr/bin/env bash
# The test command: set up a fresh machine, then build and run the whole suite in release mode
# (the numeric tests need optimized code).
#
# One build serves set-up, the main job and the tests: set-up builds `srcode` with `-enable-testing`,
# the flag `swift test` needs, so this script only adds the test targets (`--build-tests`) and runs
# them from that build (`--skip-build`). The compiler's output goes to .build/test-build.log.
set -euo pipefail
cd "$(dirname "$0")/.."
# Phase stamps: CI has a time budget, and these lines show where it went.
echo "== test.sh $(date -u +%T): set-up (apt, venv, srcode build, models)"
scripts/setup.sh
source scripts/env.sh
echo "== test.sh $(date -u +%T): build the tests"
BUILD_LOG=.build/test-build.log
# shellcheck disable=SC2086
if ! swift build -c release --build-tests -Xswiftc -enable-testing ${SRCODE_BUILD_FLAGS:-} > "$BUILD_LOG" 2>&1; then
  echo "test.sh: the test build failed (last lines of $BUILD_LOG):"; tail -n 60 "$BUILD_LOG"; exit 1
fi
grep -E "warning:" "$BUILD_LOG" | grep -v "/.build/checkouts/" | sort -u || true
echo "== test.sh $(date -u +%T): run the tests"
swift test -c release --skip-build "$@"
# MARK: - Scale-out (issue 13): the verl reward manager against real verl and a live `srcode reward serve`.
echo "== test.sh $(date -u +%T): verl reward manager (integrations/verl)"
SRCODE_BIN=.build/release/srcode scripts/test-verl.sh
echo "== test.sh $(date -u +%T): done"
