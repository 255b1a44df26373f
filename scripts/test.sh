#!/usr/bin/env bash
# The test command: set up a fresh machine, then build and run the whole suite in release mode
# (the numeric tests need optimized code; one configuration also means one build).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release
swift test -c release "$@"
