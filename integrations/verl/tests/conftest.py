"""Fixtures: a running `srcode reward serve` on loopback and a real Hugging Face fast tokenizer."""
from __future__ import annotations

import os
import pathlib
import subprocess
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]


def srcode_binary() -> pathlib.Path | None:
    """$SRCODE_BIN, else the release build, else the debug build of this checkout."""
    for p in [os.environ.get("SRCODE_BIN"), ROOT / ".build/release/srcode", ROOT / ".build/debug/srcode"]:
        if p and pathlib.Path(p).is_file():
            return pathlib.Path(p)
    return None


@pytest.fixture(scope="session")
def server_url():
    binary = srcode_binary()
    if binary is None:
        pytest.skip("no srcode binary (set SRCODE_BIN or run `swift build`)")
    # The server's log goes to a file: an unread pipe would block it once full.
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen([str(binary), "reward", "serve", "--port", "0", "--no-compile"],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        line = proc.stdout.readline()  # "srcode reward serve: ... on http://127.0.0.1:PORT"
        if "http://" not in line:
            log.seek(0)
            pytest.fail(f"server did not start: {line!r} {log.read()[:2000]}")
        url = line.strip().rsplit(" ", 1)[-1]
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def tokenizer():
    """A byte-level BPE fast tokenizer trained here (the Qwen/SmolLM family's kind), with an EOS token.

    Trained rather than downloaded: tests have no network. Its merges are few, so byte-level pieces
    split the multi-byte characters of the fixtures, which is the hard case for offsets.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    corpus = ["void f(char *s) { char buf[16]; strcpy(buf, s); snprintf(buf, sizeof buf, \"%s\", s); }",
              "Here is the function you asked for.", "int main(void) { return 0; }", "name length copy buffer"] * 20
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>", pad_token="<|endoftext|>")
