#!/usr/bin/env python3
"""Renders the default models' own Jinja chat templates (read from their GGUFs) with jinja2 for a
few conversations, into Tests/ModelIOTests/Fixtures/chat-template-reference.json, so the Swift
per-family templates are checked against the real thing.

usage: python3 dev/chat_template_reference.py smollm2=PATH.gguf qwen2.5-coder-0.5b=PATH.gguf
"""
import json, os, sys
import gguf
from jinja2.sandbox import ImmutableSandboxedEnvironment

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "ModelIOTests", "Fixtures", "chat-template-reference.json")
CONVS = [
    [{"role": "user", "content": "What is the capital of France?"}],
    [{"role": "system", "content": "You are a secure C coder."}, {"role": "user", "content": "Fix strcpy(buf, s);"}],
    [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello! {role} stays literal."}, {"role": "user", "content": "Write a loop.\n\tIndented."}],
]
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
out = {}
for arg in sys.argv[1:]:
    name, path = arg.split("=", 1)
    tmpl = env.from_string(gguf.GGUFReader(path).fields["tokenizer.chat_template"].contents())
    out[name] = [{"messages": c, "prompt": tmpl.render(messages=c, add_generation_prompt=True)} for c in CONVS]
with open(OUT, "w") as fh:
    json.dump(out, fh, indent=1, ensure_ascii=False)
print("wrote", OUT)
