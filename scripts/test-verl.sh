#!/usr/bin/env bash
# The verl reward manager's tests (integrations/verl/tests) against the real verl in .venv-verl (made by
# scripts/setup.sh) and a running `srcode reward serve` from this checkout's build (SRCODE_BIN overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
VERL_VENV=${SRCODE_VERL_VENV:-.venv-verl}
if [ ! -x "$VERL_VENV/bin/python" ]; then
  echo "test-verl: SKIP: no $VERL_VENV (scripts/setup.sh makes it; SRCODE_SKIP_VERL=1 was set?)"
  exit 0
fi
"$VERL_VENV/bin/python" -m pytest -q integrations/verl/tests "$@"
