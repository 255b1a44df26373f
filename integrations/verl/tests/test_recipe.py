"""The example recipe's overrides compose against verl's own ppo_trainer config, and resolve to our manager."""
from __future__ import annotations

import pathlib
import re
import shlex

import verl

SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "examples" / "run_qwen2.5_coder_7b_gae.sh"


def overrides() -> list[str]:
    """The `key=value` arguments of the script's main_ppo call, with shell variables filled in."""
    text = SCRIPT.read_text()
    call = text[text.index("verl.trainer.main_ppo"):].split('"$@"')[0]
    call = call.replace('"$DATA', '"data').replace('"$MODEL"', "Qwen/Qwen2.5-Coder-7B-Instruct").replace('"$URL"', "http://127.0.0.1:8090")
    words = shlex.split(call.replace("\\\n", " "))[1:]
    return [w for w in words if re.match(r"^\+?[a-z_.]+=", w)]


def test_example_overrides_compose_and_select_gae_with_srcode():
    from hydra import compose, initialize_config_dir

    config_dir = str(pathlib.Path(verl.__file__).parent / "trainer" / "config")
    with initialize_config_dir(config_dir=config_dir, version_base=None):
        cfg = compose(config_name="ppo_trainer", overrides=overrides())
    assert cfg.algorithm.adv_estimator == "gae"
    assert cfg.reward.srcode.url == "http://127.0.0.1:8090"
    from verl.trainer.ppo.reward import resolve_reward_manager_cls

    from srcode_verl import SRCodeRewardManager

    assert resolve_reward_manager_cls(cfg) is SRCodeRewardManager
