"""HTTP client for `srcode reward serve`: batches of items in, per-token rewards out, with retries and a timeout.

Standard library only, so the reward workers need nothing beyond verl itself.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass


class RewardServerError(RuntimeError):
    """The server could not be reached, or kept failing, within the retries."""


@dataclass
class RewardClient:
    """Posts items to ``POST /v1/rewards``.

    Example::

        client = RewardClient("http://127.0.0.1:8090")
        [r] = client.score([{"response": text, "offsets": offsets}])
        r["token_rewards"]  # one float per token; the outcome is already on the last one

    Args:
        url: the server's base URL.
        timeout_s: seconds per HTTP attempt (the server's own deadline answers slow items first).
        retries: attempts after the first, on connection errors, 429 and 5xx, with exponential back-off.
        batch_size: items per request; larger lists are split.
    """

    url: str = "http://127.0.0.1:8090"
    timeout_s: float = 120.0
    retries: int = 4
    backoff_s: float = 0.5
    batch_size: int = 256

    def score(self, items: list[dict]) -> list[dict]:
        """One result per item, in order; a malformed item comes back with an ``error`` and no rewards."""
        out: list[dict] = []
        for i in range(0, len(items), self.batch_size):
            out.extend(self._post(items[i : i + self.batch_size]))
        return out

    def health(self) -> dict:
        with urllib.request.urlopen(self.url.rstrip("/") + "/health", timeout=self.timeout_s) as r:
            return json.loads(r.read())

    def _post(self, items: list[dict]) -> list[dict]:
        body = json.dumps({"items": items}).encode()
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            req = urllib.request.Request(
                self.url.rstrip("/") + "/v1/rewards", data=body, headers={"Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(req, timeout=self.timeout_s) as r:
                    return json.loads(r.read())["results"]
            except urllib.error.HTTPError as e:
                detail = e.read()[:500].decode(errors="replace")
                if e.code == 429 or e.code >= 500:
                    last = RewardServerError(f"HTTP {e.code}: {detail}")
                    continue
                # A 4xx names a problem with the whole request (too large, not JSON): retrying cannot help.
                raise RewardServerError(f"HTTP {e.code}: {detail}") from e
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as e:
                last = e
        raise RewardServerError(f"{self.url}: no answer after {self.retries + 1} attempts: {last}") from last
