"""srcode-verl: SRCode's per-token security reward (`srcode reward serve`) as a verl reward manager.

Importing this package registers ``srcode`` with verl's reward-manager registries.
"""
from .client import RewardClient, RewardServerError
from .manager import SRCodeRewardManager, rewards_and_info, score_batch, write_rows
from .offsets import token_offsets

__all__ = ["RewardClient", "RewardServerError", "SRCodeRewardManager", "rewards_and_info", "score_batch", "token_offsets",
           "write_rows"]
