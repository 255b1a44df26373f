#!/usr/bin/env bash
# The proof experiment's resumable state, kept in git so that a run spanning sessions survives a move
# to a new machine.
#
# Why: scripts/ablation.sh works in runs/proof/ (ignored by git). The experiment needs about a day of
# CPU here, so it spans sessions, and a session may start on a fresh machine whose checkout holds only
# what was committed: on 2026-12-06 that lost 23 finished RL steps and the SFT adapter. What a resume
# needs and cannot recompute bit for bit elsewhere (trained weights depend on the CPU's kernels) lives
# in results/proof-state/ and results/adapters/, small enough to commit:
#   results/proof-state/PIN                 the commit whose Sources build every training stage of the run
#   results/proof-state/EVAL_PIN            the commit whose build samples and judges every arm (set when the
#                                           evaluation starts)
#   results/proof-state/data.sha256         the regenerated data must hash the same (offline, deterministic)
#   results/proof-state/recipes/*.yaml      each RL arm's recipe as it was started
#   results/proof-state/<arm>/              an RL arm: metrics.jsonl, rollouts.jsonl, and while it is
#                                           unfinished its checkpoint.safetensors (LoRA, value head, AdamW)
#   results/proof-state/sft/metrics.jsonl   the SFT curve
#   results/proof-state/replay/replay.jsonl the SFT's replay pairs, when its recipe has `data.replay` (the base
#                                           model's answers to train-split pattern tasks; scripts/replay_build.sh)
#   results/proof-state/eval/               the evaluation's stored samples (resumable, text; the benchmarks'
#                                           prompt text left out, scripts/strip_prompts.py)
#   results/adapters/*.safetensors          finished stages, F16 (the published adapters; the RL arms start
#                                           from sft.safetensors, the evaluation loads these files)
# The data (deterministic, about 3 minutes offline) and the base model (PyPI, sha256-checked) are rebuilt.
#
#   scripts/ablation_state.sh save      runs/proof → results/proof-state (then commit both results/ folders)
#   scripts/ablation_state.sh restore   results/proof-state → runs/proof, only what runs/proof lacks
# With SRCODE_RUN=<run> the same for runs/<run> and results/<run>/state (scripts/ablation_paths.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ablation_paths.sh   # SRCODE_RUN's folders (default: the published run's)
RUN=$OUT

# copy SRC DST: copies a file that exists, atomically at the destination (a kill leaves the old one).
copy() { [ -s "$1" ] || return 0; mkdir -p "$(dirname "$2")"; cp "$1" "$2.tmp.$$" && mv "$2.tmp.$$" "$2"; }

save() {
  mkdir -p "$STATE"
  copy "$RUN/sft/metrics.jsonl" "$STATE/sft/metrics.jsonl"
  copy "$RUN/replay/replay.jsonl" "$STATE/replay/replay.jsonl"
  for r in "$RUN"/recipes/*.yaml; do [ -e "$r" ] && copy "$r" "$STATE/recipes/$(basename "$r")"; done
  for d in "$RUN"/ppo-*; do
    [ -d "$d" ] || continue
    local arm; arm=$(basename "$d")
    # The checkpoint before the logs: a resumed run drops log lines past the checkpoint's step.
    if [ -s "$d/final.safetensors" ]; then rm -f "$STATE/$arm/checkpoint.safetensors"
    else copy "$d/checkpoint.safetensors" "$STATE/$arm/checkpoint.safetensors"; fi
    copy "$d/metrics.jsonl" "$STATE/$arm/metrics.jsonl"
    copy "$d/rollouts.jsonl" "$STATE/$arm/rollouts.jsonl"
  done
  if [ -d "$RUN/eval" ]; then
    # The benchmarks' prompt text stays out of the committed samples (scripts/strip_prompts.py); the held-out
    # PrimeVul+ split's prompts are the project's own and stay.
    (cd "$RUN" && find eval -name '*.jsonl' -type f) | while read -r f; do
      case $f in
        eval/primevul-test/*) copy "$RUN/$f" "$STATE/$f" ;;
        */samples.jsonl) if [ -s "$RUN/$f" ]; then python3 scripts/strip_prompts.py "$RUN/$f" "$STATE/$f"; fi ;;
        *) copy "$RUN/$f" "$STATE/$f" ;;
      esac
    done
  fi
  echo "ablation state: saved to $STATE ($(du -sh "$STATE" | cut -f1)); commit $STATE and results/adapters to keep it"
}

restore() {
  [ -d "$STATE" ] || return 0
  (cd "$STATE" && find . -type f ! -name PIN ! -name EVAL_PIN ! -name data.sha256) | while read -r f; do
    [ -e "$RUN/$f" ] || copy "$STATE/$f" "$RUN/$f"
  done
}

case "${1:-}" in
  save) save ;;
  restore) restore ;;
  *) echo "usage: scripts/ablation_state.sh save|restore" >&2; exit 2 ;;
esac
