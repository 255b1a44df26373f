#!/usr/bin/env python3
"""TRL's GRPO step on this CPU: the anchor of benchmarks/rl_step.sh (issue 12).

One optimizer step of TRL's GRPOTrainer with a PEFT LoRA (r 8, alpha 16, q/k/v/o) on the same weights
SRCode trains (the embedded Q4_K_M GGUF, dequantized to Float32 by transformers), the same prompts
(read from SRCode's own rollouts of the same step), the same sampling (T 0.8, top-p 1, up to N new
tokens, groups of 4) and the same reward: each completion goes to `srcode reward serve`'s OpenRLHF
endpoint, which scores it with the recipe's reward section exactly as `srcode train ppo` does.

Prints one RESULT line with the wall time of the step and its phases:
  generation  model.generate over the whole generation batch
  reward      the HTTP calls into srcode
  score       forwards without gradient (reference log-probs of the KL term)
  train       the rest of the step: the forward and backward passes with gradient, the optimizer

    python benchmarks/trl_rl_step.py --gguf DIR/FILE.gguf --prompts prompts.json --reward-url URL
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import time
import urllib.request


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gguf", required=True, help="the GGUF file SRCode trains from")
    ap.add_argument("--prompts", required=True, help="JSON list of prompt strings (one per group)")
    ap.add_argument("--reward-url", required=True, help="srcode reward serve's /v1/openrlhf")
    ap.add_argument("--generations", type=int, default=4)
    ap.add_argument("--max-new-tokens", type=int, default=384)
    ap.add_argument("--micro-batch", type=int, default=4)
    ap.add_argument("--beta", type=float, default=0.05)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="/tmp/trl-rl-step")
    ap.add_argument("--bf16", action="store_true",
                    help="TRL's mixed precision (bf16 autocast on CPU): its best configuration on a CPU with AVX512-BF16")
    args = ap.parse_args()

    import torch
    import transformers
    import trl
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationMixin
    from trl import GRPOConfig, GRPOTrainer

    torch.set_num_threads(args.threads)
    phases = {"generation": 0.0, "reward": 0.0, "score": 0.0}

    # Generation: time every generate call (TRL calls the unwrapped model's generate once per batch).
    generate = GenerationMixin.generate

    def timed_generate(self, *a, **k):
        t = time.perf_counter()
        try:
            return generate(self, *a, **k)
        finally:
            phases["generation"] += time.perf_counter() - t

    GenerationMixin.generate = timed_generate

    def reward(prompts, completions, **_):
        t = time.perf_counter()
        texts = [c[-1]["content"] if isinstance(c, list) else c for c in completions]
        body = json.dumps({"query": texts, "prompts": [""] * len(texts)}).encode()
        req = urllib.request.Request(args.reward_url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=600) as r:
            out = json.loads(r.read())["rewards"]
        phases["reward"] += time.perf_counter() - t
        return [float(x) for x in out]

    d = os.path.dirname(os.path.abspath(args.gguf))
    f = os.path.basename(args.gguf)
    t_load = time.perf_counter()
    tok = AutoTokenizer.from_pretrained(d, gguf_file=f)
    model = AutoModelForCausalLM.from_pretrained(d, gguf_file=f, dtype=torch.float32)
    # The GGUF loader dequantizes to Float32 but leaves the model marked as quantized, and the Trainer
    # refuses to train such a model; the weights are plain Float32 tensors, so drop the mark.
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    load_s = time.perf_counter() - t_load

    prompts = json.load(open(args.prompts))
    ds = Dataset.from_list([{"prompt": [{"role": "user", "content": p}]} for p in prompts])
    n = len(prompts) * args.generations
    cfg = dict(
        output_dir=args.out, max_steps=1, learning_rate=1e-4, seed=args.seed,
        per_device_train_batch_size=args.micro_batch, gradient_accumulation_steps=n // args.micro_batch,
        num_generations=args.generations, max_completion_length=args.max_new_tokens,
        temperature=0.8, top_p=1.0, beta=args.beta, num_iterations=1,
        use_cpu=True, bf16=args.bf16, report_to=[], save_strategy="no", logging_steps=1,
        gradient_checkpointing=False,  # TRL turns it on by default; SRCode keeps activations too
    )
    known = set(GRPOConfig.__dataclass_fields__)
    config = GRPOConfig(**{k: v for k, v in cfg.items() if k in known})
    lora = LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
                      task_type="CAUSAL_LM")
    trainer = GRPOTrainer(model=model, reward_funcs=reward, args=config, train_dataset=ds,
                          processing_class=tok, peft_config=lora)

    # Forwards without gradient are the scoring passes (reference log-probs; old log-probs when
    # num_iterations > 1). The mean completion length comes from TRL's own log.
    logps = trainer._get_per_token_logps_and_entropies

    def timed_logps(*a, **k):
        t = time.perf_counter()
        try:
            return logps(*a, **k)
        finally:
            if not torch.is_grad_enabled():
                phases["score"] += time.perf_counter() - t

    trainer._get_per_token_logps_and_entropies = timed_logps

    t0 = time.perf_counter()
    trainer.train()
    step_s = time.perf_counter() - t0
    hist = [h for h in trainer.state.log_history if "completions/mean_length" in h or "completion_length" in h]
    mean_len = (hist[-1].get("completions/mean_length") or hist[-1].get("completion_length")) if hist else float("nan")
    train_s = step_s - sum(phases.values())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"versions torch={torch.__version__} transformers={transformers.__version__} trl={trl.__version__} "
          f"threads={torch.get_num_threads()} load_s={load_s:.1f}")
    print(f"RESULT side=trl precision={'bf16' if args.bf16 else 'f32'} rollouts={n} step_s={step_s:.1f} generation_s={phases['generation']:.1f} "
          f"reward_s={phases['reward']:.1f} score_s={phases['score']:.1f} train_s={train_s:.1f} "
          f"mean_completion_tokens={mean_len:.1f} peak_rss_gib={rss:.2f}")


if __name__ == "__main__":
    main()
