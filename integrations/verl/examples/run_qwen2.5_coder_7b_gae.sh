#!/usr/bin/env bash
# PPO with GAE on PrimeVul+ prompts, Qwen2.5-Coder-7B-Instruct, SRCode's per-token security reward.
# One node of 8 GPUs (vLLM rollouts, FSDP actor and critic); the reward comes from `srcode reward serve`
# (run it on a CPU host: `srcode reward serve --config recipes/ppo-token-qwen.yaml --host 0.0.0.0 --port 8090`).
# Why GAE and not GRPO: docs/SCALE-OUT.md. Written for verl 0.9 (hydra overrides of ppo_trainer.yaml).
#
#   SRCODE_REWARD_URL=http://reward-host:8090 DATA=data bash integrations/verl/examples/run_qwen2.5_coder_7b_gae.sh
set -euo pipefail
DATA=${DATA:-data}                           # from `srcode data export-verl … --output $DATA/primevul_{train,valid}.parquet`
MODEL=${MODEL:-Qwen/Qwen2.5-Coder-7B-Instruct}
URL=${SRCODE_REWARD_URL:-http://127.0.0.1:8090}
curl -sf "$URL/health" >/dev/null || { echo "no srcode reward server at $URL"; exit 1; }

python3 -m verl.trainer.main_ppo \
  algorithm.adv_estimator=gae \
  algorithm.gamma=1.0 algorithm.lam=0.95 \
  algorithm.use_kl_in_reward=true algorithm.kl_ctrl.kl_coef=0.02 \
  data.train_files="$DATA/primevul_train.parquet" \
  data.val_files="$DATA/primevul_valid.parquet" \
  data.prompt_key=prompt \
  data.train_batch_size=256 \
  data.max_prompt_length=1024 data.max_response_length=1024 \
  data.filter_overlong_prompts=true data.truncation=error \
  actor_rollout_ref.model.path="$MODEL" \
  actor_rollout_ref.model.use_remove_padding=true \
  actor_rollout_ref.model.enable_gradient_checkpointing=true \
  actor_rollout_ref.actor.optim.lr=1e-6 \
  actor_rollout_ref.actor.ppo_mini_batch_size=64 \
  actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=4 \
  actor_rollout_ref.actor.use_kl_loss=false \
  actor_rollout_ref.actor.fsdp_config.param_offload=false \
  actor_rollout_ref.rollout.name=vllm \
  actor_rollout_ref.rollout.n=1 \
  actor_rollout_ref.rollout.temperature=0.8 \
  actor_rollout_ref.rollout.tensor_model_parallel_size=2 \
  actor_rollout_ref.rollout.gpu_memory_utilization=0.5 \
  actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu=8 \
  actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu=8 \
  critic.model.path="$MODEL" \
  critic.model.use_remove_padding=true \
  critic.model.enable_gradient_checkpointing=true \
  critic.optim.lr=1e-5 \
  critic.ppo_micro_batch_size_per_gpu=4 \
  reward.num_workers=8 \
  reward.reward_manager.source=importlib \
  reward.reward_manager.name=SRCodeRewardManager \
  reward.reward_manager.module.path=pkg://srcode_verl.manager \
  +reward.srcode.url="$URL" \
  +reward.srcode.timeout_s=120 \
  +reward.srcode.batch_size=256 \
  trainer.project_name=srcode \
  trainer.experiment_name=qwen2.5-coder-7b-gae-token \
  trainer.logger='["console"]' \
  trainer.n_gpus_per_node=8 trainer.nnodes=1 \
  trainer.save_freq=50 trainer.test_freq=25 trainer.total_epochs=2 \
  "$@"
