#!/usr/bin/env bash
# The test command: set up a fresh machine, then build and run the whole suite in release mode
# (the numeric tests need optimized code).
#
# One build serves both set-up and tests: `swift test` compiles every module with testability, and a
# plain `swift build` does not, so the two would each compile the whole package (and its HTTP stack)
# from scratch. Set-up therefore builds `srcode` with the same flag the test build uses, and the tests
# run from that build (`--skip-build`).
set -euo pipefail
cd "$(dirname "$0")/.."
export SRCODE_BUILD_FLAGS="-Xswiftc -enable-testing"
# Phase stamps: CI has a time budget, and these lines show where it went.
echo "== test.sh $(date -u +%T): set-up (apt, pip, srcode build, models)"
scripts/setup.sh
echo "== test.sh $(date -u +%T): build the tests"
# shellcheck disable=SC2086
swift build -c release --build-tests $SRCODE_BUILD_FLAGS
echo "== test.sh $(date -u +%T): run the tests"
swift test -c release --skip-build "$@"
# MARK: - Scale-out (issue 13): the verl reward manager against real verl and a live `srcode reward serve`.
echo "== test.sh $(date -u +%T): verl reward manager (integrations/verl)"
SRCODE_BIN=.build/release/srcode scripts/test-verl.sh
echo "== test.sh $(date -u +%T): done"
