"""The verl reward manager on a real DataProto batch against a running `srcode reward serve`."""
from __future__ import annotations

import asyncio

import numpy as np
import torch
from omegaconf import OmegaConf

from verl import DataProto

from srcode_verl import RewardClient, SRCodeRewardManager, score_batch, token_offsets

VULNERABLE = """Sure — here’s the greeting 👋:
```c
void greet(const char *name) {
    char buf[16];
    strcpy(buf, name);
    puts(buf);
}
```"""

CLEAN = """```c
void greet(const char *name) {
    char buf[16];
    snprintf(buf, sizeof buf, "%s", name);
    puts(buf);
}
```"""


def make_batch(tokenizer, responses: list[str], response_length: int = 160, prompt_length: int = 8) -> DataProto:
    """A DataProto laid out as verl's rollout leaves it: left-padded prompts, right-padded responses + EOS."""
    pad = tokenizer.pad_token_id
    prompts, resps, masks = [], [], []
    for r in responses:
        p = tokenizer("Write greet().", add_special_tokens=False)["input_ids"][:prompt_length]
        ids = tokenizer(r, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
        assert len(ids) <= response_length
        prompts.append([pad] * (prompt_length - len(p)) + p)
        resps.append(ids + [pad] * (response_length - len(ids)))
        masks.append([0] * (prompt_length - len(p)) + [1] * len(p) + [1] * len(ids) + [0] * (response_length - len(ids)))
    prompts_t, resps_t = torch.tensor(prompts), torch.tensor(resps)
    return DataProto.from_dict(
        tensors={"prompts": prompts_t, "responses": resps_t, "input_ids": torch.cat([prompts_t, resps_t], dim=1),
                 "attention_mask": torch.tensor(masks)},
        non_tensors={"data_source": np.array(["primevul_plus"] * len(responses), dtype=object),
                     "extra_info": np.array([{} for _ in responses], dtype=object)},
    )


def call_tokens(tokenizer, text: str, call: str) -> set[int]:
    """Indices of the response tokens whose characters overlap `call` in `text`."""
    _, offsets = token_offsets(tokenizer, tokenizer(text, add_special_tokens=False)["input_ids"])
    lo = text.index(call)
    hi = lo + len(call)
    return {i for i, (s, e) in enumerate(offsets) if s < hi and e > lo and e > s}


def test_offsets_are_exact_for_split_characters(tokenizer):
    ids = tokenizer(VULNERABLE, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    text, offsets = token_offsets(tokenizer, ids)
    assert text == VULNERABLE and len(offsets) == len(ids)
    assert offsets[-1][0] == offsets[-1][1] == len(text)  # EOS: zero-width at the end
    # Some byte-level pieces split the emoji or the curly quote: both report the whole character.
    wide = [o for o in offsets if o[1] - o[0] == 1 and ord(text[o[0]]) > 0x7F]
    assert len(wide) >= 2
    # The prefix-decoding fallback agrees with the tokenizer's own offsets.
    from srcode_verl.offsets import _prefix_offsets
    assert _prefix_offsets(tokenizer, ids, text) == offsets


def test_reward_tensor_marks_exactly_the_vulnerable_call(tokenizer, server_url):
    data = make_batch(tokenizer, [VULNERABLE, CLEAN])
    client = RewardClient(server_url, timeout_s=30)
    tensor, extra = score_batch(tokenizer, client, data)
    assert tensor.shape == data.batch["responses"].shape and tensor.dtype == torch.float32
    valid = data.batch["attention_mask"][:, 8:].sum(dim=1).tolist()
    # Vulnerable: nonzero exactly at the strcpy call's tokens, plus the outcome on the last valid token (EOS).
    nonzero = set(torch.nonzero(tensor[0]).flatten().tolist())
    expected = call_tokens(tokenizer, VULNERABLE, "strcpy(buf, name)")
    assert expected and nonzero - {valid[0] - 1} == expected
    assert tensor[0, valid[0] - 1].item() == -0.5  # outcome_vulnerable (the EOS token has no finding)
    assert torch.all(tensor[0, sorted(expected)] < 0)
    assert tensor[0, valid[0]:].abs().sum() == 0  # padding untouched
    # Clean: only the outcome, at the last valid token.
    assert torch.nonzero(tensor[1]).flatten().tolist() == [valid[1] - 1]
    assert tensor[1, valid[1] - 1].item() == 1.0
    assert extra["srcode_vulnerable"] == [1.0, 0.0] and extra["srcode_error"] == [0.0, 0.0]
    assert extra["srcode_oracle"][0] < 0 and extra["srcode_outcome"] == [-0.5, 1.0]


def test_reward_loop_manager_matches_the_batch_path(tokenizer, server_url):
    """verl's reward loop: `run_single` per sample (concurrently, micro-batched), then `assemble_rm_scores`."""
    data = make_batch(tokenizer, [VULNERABLE, CLEAN, VULNERABLE])
    config = OmegaConf.create({"reward": {"srcode": {"url": server_url, "timeout_s": 30, "flush_ms": 5}}})
    manager = SRCodeRewardManager(config=config, tokenizer=tokenizer, compute_score=None)

    async def run_all():
        return await asyncio.gather(*[manager.run_single(data[i : i + 1]) for i in range(len(data))])

    outputs = asyncio.new_event_loop().run_until_complete(run_all())
    rm_scores = SRCodeRewardManager.assemble_rm_scores(data, [o["reward_score"] for o in outputs])
    batch_tensor, _ = score_batch(tokenizer, RewardClient(server_url), data)
    assert torch.equal(rm_scores, batch_tensor)
    assert [o["reward_extra_info"]["srcode_vulnerable"] for o in outputs] == [1.0, 0.0, 1.0]


def test_registered_with_verl():
    from verl.experimental.reward_loop.reward_manager import get_reward_manager_cls

    assert get_reward_manager_cls("srcode") is SRCodeRewardManager


def test_unreachable_server_raises_after_retries(tokenizer):
    from srcode_verl import RewardServerError

    client = RewardClient("http://127.0.0.1:9", timeout_s=1, retries=1, backoff_s=0.01)
    try:
        client.score([{"response": "x", "offsets": [[0, 1]]}])
    except RewardServerError as e:
        assert "2 attempts" in str(e)
    else:
        raise AssertionError("no error")
