"""Character offsets of response tokens, from the run's own tokenizer, exact for any tokenizer.

The server's rule: a token is rewarded for every source whose span overlaps the characters it covers.
So each token id needs the ``[start, end)`` characters of the decoded response that it produced.
"""
from __future__ import annotations

from typing import Any, Sequence


def token_offsets(tokenizer: Any, ids: Sequence[int]) -> tuple[str, list[tuple[int, int]]]:
    """The decoded response (special tokens skipped) and one ``(start, end)`` per id.

    Fast path: re-encoding the text with ``return_offsets_mapping`` gives the same ids (the usual case
    for a sampled response), so the tokenizer's own offsets are used. Otherwise (a non-canonical
    tokenization the policy happened to sample), offsets come from decoding growing prefixes, which
    is exact for every tokenizer: a token's characters are those its prefix added. Tokens that end
    inside a multi-byte character (byte-level BPE) get that character too, as Hugging Face reports it.
    Special tokens (EOS, padding) are zero-width at their position.
    """
    ids = [int(i) for i in ids]
    text = tokenizer.decode(ids, skip_special_tokens=True)
    special = set(getattr(tokenizer, "all_special_ids", []) or [])
    plain = [i for i in ids if i not in special]
    try:
        enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        if list(enc["input_ids"]) == plain:
            it = iter(enc["offset_mapping"])
            out, pos = [], 0
            for i in ids:
                if i in special:
                    out.append((pos, pos))
                else:
                    s, e = next(it)
                    out.append((int(s), int(e)))
                    pos = int(e)
            return text, out
    except (TypeError, KeyError, NotImplementedError, ValueError):
        pass  # a slow tokenizer has no offsets: fall through to prefix decoding
    return text, _prefix_offsets(tokenizer, ids, text)


def _prefix_offsets(tokenizer: Any, ids: list[int], text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    done = 0  # characters of `text` fully produced so far
    pending: list[int] = []  # tokens that ended inside a character
    for k in range(len(ids)):
        s = tokenizer.decode(ids[: k + 1], skip_special_tokens=True)
        if s.endswith("\ufffd") and not text.startswith(s):
            pending.append(k)
            out.append((done, done))
            continue
        end = min(len(s), len(text))
        for p in pending:
            out[p] = (done, min(done + 1, len(text)))
        out.append((done, max(done, end)))
        pending = []
        done = max(done, end)
    for p in pending:
        out[p] = (min(done, len(text)), min(done + 1, len(text)))
    return out
