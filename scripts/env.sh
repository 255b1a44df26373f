# Sourced by the project's scripts: where the project's Python tools live.
# setup.sh creates a project virtual environment (PEP 668: Debian's python3 refuses `pip install`
# outside one) and every script puts it first on PATH, so `python3`, `semgrep`, `flawfinder`'s
# helpers and the parity references resolve to the venv's copies. Users who call `srcode` directly
# can do the same: `source scripts/env.sh`.
SRCODE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SRCODE_VENV="${SRCODE_VENV:-$SRCODE_ROOT/.venv}"
export SRCODE_PYTHON="$SRCODE_VENV/bin/python"
case ":$PATH:" in *":$SRCODE_VENV/bin:"*) ;; *) export PATH="$SRCODE_VENV/bin:$PATH" ;; esac
