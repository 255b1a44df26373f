"""SRCode's token-level security reward as a verl reward manager.

Each response is decoded, its token offsets come from the run's own tokenizer, and
`srcode reward serve` returns one reward per token (the outcome already on the last valid token),
which lands in verl's reward tensor at the response positions. With ``algorithm.adv_estimator=gae``
the critic then credits exactly the tokens of the vulnerable call (docs/SCALE-OUT.md says why not GRPO).

Two registrations, for verl's two reward paths:

- ``SRCodeRewardManager`` (reward loop, verl ≥ 0.6 default): ``run_single`` per sample, micro-batched
  into one HTTP request per burst; ``assemble_rm_scores`` writes the per-token lists.
- ``SRCodeBatchRewardManager`` (legacy ``verl.workers.reward_manager``): ``__call__`` on a whole batch.

Settings come from ``config.reward.srcode`` (``url``, ``timeout_s``, ``retries``, ``batch_size``,
``flush_ms``) or the environment (``SRCODE_REWARD_URL``).
"""
from __future__ import annotations

import asyncio
import os
from typing import Any

import torch

from verl import DataProto
from verl.experimental.reward_loop.reward_manager import register
from verl.experimental.reward_loop.reward_manager.base import RewardManagerBase

from .client import RewardClient
from .offsets import token_offsets

#: Reward parts returned as extra info (verl logs each as ``reward_extra_info/<key>``); always all present.
EXTRA_KEYS = ("srcode_oracle", "srcode_secure_pattern", "srcode_vulnerable_pattern", "srcode_judge", "srcode_outcome",
              "srcode_vulnerable", "srcode_compiles", "srcode_findings", "srcode_error")


def client_from_config(config: Any) -> tuple[RewardClient, float]:
    """The client and the micro-batch flush delay (seconds) from ``config.reward.srcode`` or the environment."""
    s: Any = {}
    try:
        s = config.reward.get("srcode", None) or {}
    except AttributeError:
        s = (config or {}).get("srcode", {}) if isinstance(config, dict) else {}
    url = s.get("url") or os.environ.get("SRCODE_REWARD_URL", "http://127.0.0.1:8090")
    client = RewardClient(url=url, timeout_s=float(s.get("timeout_s", 120)), retries=int(s.get("retries", 4)),
                          batch_size=int(s.get("batch_size", 256)))
    return client, float(s.get("flush_ms", 20)) / 1000


def request_item(tokenizer: Any, data_item: Any) -> tuple[dict, int]:
    """The server item for one ``DataProtoItem`` and its valid response length."""
    response_ids = data_item.batch["responses"]
    length = response_ids.shape[-1]
    valid = int(data_item.batch["attention_mask"][-length:].sum())
    text, offsets = token_offsets(tokenizer, response_ids[:valid].tolist())
    item: dict = {"response": text, "offsets": [list(o) for o in offsets]}
    # The PrimeVul+ record (repair-pattern source): `srcode data export-verl` puts its id in extra_info.
    extra = data_item.non_tensor_batch.get("extra_info", None) or {}
    record = extra.get("record_id") if isinstance(extra, dict) else None
    if record:
        item["record_id"] = str(record)
    return item, valid


def rewards_and_info(result: dict, valid: int) -> tuple[list[float], dict]:
    """Per-token rewards (``valid`` of them) and the extra info of one server result.

    An item the server rejected (or did not score in time) gets zero reward and ``srcode_error = 1``:
    an infrastructure failure must not teach the policy anything.
    """
    rewards = result.get("token_rewards")
    if result.get("error") or rewards is None or len(rewards) != valid:
        return [0.0] * valid, {k: (1.0 if k == "srcode_error" else 0.0) for k in EXTRA_KEYS}
    parts = result.get("parts", {})
    compiles = result.get("compiles")
    info = {f"srcode_{k}": float(parts.get(k, 0.0)) for k in ("oracle", "secure_pattern", "vulnerable_pattern", "judge", "outcome")}
    info.update(srcode_vulnerable=float(bool(result.get("vulnerable"))),
                srcode_compiles=-1.0 if compiles is None else float(compiles),
                srcode_findings=float(len(result.get("findings", []))), srcode_error=0.0)
    return [float(x) for x in rewards], info


def write_rows(responses: torch.Tensor, rows: list) -> torch.Tensor:
    """The reward tensor (shape of ``responses``): row i's list at positions ``0..<len``; a bare float at the row's last position."""
    out = torch.zeros_like(responses, dtype=torch.float32)
    for i, r in enumerate(rows):
        if isinstance(r, (list, tuple)):
            if r:
                out[i, : len(r)] = torch.tensor(r, dtype=torch.float32)
        else:
            out[i, -1] = float(r)
    return out


class _MicroBatcher:
    """Collects the items of concurrent ``run_single`` calls for ``flush_s`` (or ``batch_size`` items) into one request."""

    def __init__(self, client: RewardClient, flush_s: float):
        self.client, self.flush_s = client, flush_s
        self.pending: list[tuple[dict, asyncio.Future]] = []
        self.timer: asyncio.TimerHandle | None = None

    async def score(self, item: dict) -> dict:
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self.pending.append((item, fut))
        if len(self.pending) >= self.client.batch_size:
            self._flush(loop)
        elif self.timer is None:
            self.timer = loop.call_later(self.flush_s, self._flush, loop)
        return await fut

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        batch, self.pending = self.pending, []
        if not batch:
            return

        async def run() -> None:
            try:
                results = await loop.run_in_executor(None, self.client.score, [it for it, _ in batch])
                for (_, f), r in zip(batch, results):
                    f.set_result(r)
            except Exception as e:  # noqa: BLE001 — every waiter must hear about it
                for _, f in batch:
                    if not f.done():
                        f.set_exception(e)

        loop.create_task(run())


@register("srcode")
class SRCodeRewardManager(RewardManagerBase):
    """verl reward-loop manager: per-token security rewards from `srcode reward serve`."""

    def __init__(self, config, tokenizer, compute_score=None, reward_router_address=None, reward_model_tokenizer=None, **_):
        super().__init__(config, tokenizer, compute_score)
        self.client, flush_s = client_from_config(config)
        self.batcher = _MicroBatcher(self.client, flush_s)

    async def run_single(self, data: DataProto) -> dict:
        data_item = data[-1:][0]  # multi-turn outputs: the last sequence carries the response
        item, valid = await asyncio.get_running_loop().run_in_executor(None, request_item, self.tokenizer, data_item)
        result = await self.batcher.score(item)
        rewards, info = rewards_and_info(result, valid)
        return {"reward_score": rewards, "reward_extra_info": info}

    @classmethod
    def assemble_rm_scores(cls, data: DataProto, scores: list) -> torch.Tensor:
        return write_rows(data.batch["responses"], scores)


def score_batch(tokenizer: Any, client: RewardClient, data: DataProto) -> tuple[torch.Tensor, dict[str, list]]:
    """The reward tensor and extra info for a whole batch, in one (or a few) requests."""
    pairs = [request_item(tokenizer, data[i]) for i in range(len(data))]
    results = client.score([it for it, _ in pairs])
    rows, extra = [], {k: [] for k in EXTRA_KEYS}
    for (_, valid), r in zip(pairs, results):
        rewards, info = rewards_and_info(r, valid)
        rows.append(rewards)
        for k in EXTRA_KEYS:
            extra[k].append(info[k])
    return write_rows(data.batch["responses"], rows), extra


try:  # the legacy reward path (verl.workers.reward_manager), when this verl still ships it
    from verl.workers.reward_manager import register as _register_legacy
    from verl.workers.reward_manager.abstract import AbstractRewardManager

    @_register_legacy("srcode")
    class SRCodeBatchRewardManager(AbstractRewardManager):
        """Legacy verl reward manager: the whole batch per call."""

        def __init__(self, tokenizer, num_examine=0, compute_score=None, reward_fn_key="data_source", config=None, **_):
            self.tokenizer = tokenizer
            self.client, _flush = client_from_config(config)

        def __call__(self, data: DataProto, return_dict: bool = False):
            tensor, extra = score_batch(self.tokenizer, self.client, data)
            return {"reward_tensor": tensor, "reward_extra_info": extra} if return_dict else tensor
except ImportError:  # pragma: no cover
    pass
