# Sourced by scripts/ablation.sh and scripts/ablation_state.sh: the folders of one proof run.
# SRCODE_RUN names the run (default `proof`, the published seed-1 run, which keeps its historical paths:
# runs/proof, results/proof-state, results/adapters, results/ablation.*). Any other name, say `proof2`,
# gets runs/proof2 and everything it commits under results/proof2/ (state/, adapters/, ablation.*), so a
# second run with changed settings never touches the first one's files.
RUN_NAME=${SRCODE_RUN:-proof}
case $RUN_NAME in *[!A-Za-z0-9_-]*|'') echo "SRCODE_RUN: letters, digits, - and _ only (got '$RUN_NAME')" >&2; exit 2 ;; esac
OUT=runs/$RUN_NAME
if [ "$RUN_NAME" = proof ]; then
  STATE=results/proof-state ADAPTERS=results/adapters RESULTS=results
else
  STATE=results/$RUN_NAME/state ADAPTERS=results/$RUN_NAME/adapters RESULTS=results/$RUN_NAME
fi

# run_recipe SRC DST [sed expressions…]: this run's copy of a recipe, made once (later edits of recipes/ do not
# reach a started run): the recipes name the default run's folders, which move to this run's.
run_recipe() {
  local src=$1 dst=$2; shift 2
  [ -s "$dst" ] && return 0
  mkdir -p "$(dirname "$dst")"
  sed -e "s#runs/proof/#$OUT/#g" -e "s#results/adapters/#$ADAPTERS/#g" "$@" "$src" > "$dst.tmp" && mv "$dst.tmp" "$dst"
}
