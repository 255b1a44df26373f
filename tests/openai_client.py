#!/usr/bin/env python3
"""Acceptance check of `srcode serve` with the official `openai` client: plain and streaming
chat and text completions plus /v1/models. usage: tests/openai_client.py <base_url> <model>"""
import sys
from openai import OpenAI

base, model = sys.argv[1], sys.argv[2]
client = OpenAI(base_url=base, api_key="unused")
assert [m.id for m in client.models.list().data] == [model]

q = [{"role": "user", "content": "What is the capital of France?"}]
r = client.chat.completions.create(model=model, messages=q, max_tokens=24, temperature=0)
plain = r.choices[0].message.content
assert r.choices[0].finish_reason in ("stop", "length") and r.usage.completion_tokens > 0, r
parts = [c.choices[0].delta.content or "" for c in
         client.chat.completions.create(model=model, messages=q, max_tokens=24, temperature=0, stream=True)]
assert "".join(parts) == plain, (parts, plain)

c = client.completions.create(model=model, prompt="The capital of France is", max_tokens=8, temperature=0)
text = c.choices[0].text
streamed = "".join(x.choices[0].text for x in
                   client.completions.create(model=model, prompt="The capital of France is", max_tokens=8, temperature=0, stream=True))
assert streamed == text, (streamed, text)
print("OPENAI-CLIENT OK chat=%r completion=%r" % (plain, text))
