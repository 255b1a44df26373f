#!/usr/bin/env python3
"""Renders the default models' own Jinja chat templates (from their GGUF metadata, as HF/llama.cpp do)
for fixed 2-message conversations; GenerationTests checks ChatPrompt produces identical text.

usage: python3 dev/chat_reference.py > Tests/GenerationTests/Fixtures/chat-reference.json
"""
import json, os
import gguf, jinja2

ROOT = os.environ.get("SRCODE_MODELS", os.path.expanduser("~/.cache/srcode/models"))
MODELS = {
    "smollm2": f"{ROOT}/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    "qwen2.5-coder-0.5b": f"{ROOT}/qwen2.5-coder-0.5b/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
}
CONVERSATIONS = [
    [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris."}],
    [{"role": "system", "content": "You write secure C."}, {"role": "user", "content": "Copy a string safely."}],
]
out = {}
for name, path in MODELS.items():
    field = gguf.GGUFReader(path).fields["tokenizer.chat_template"]
    template = jinja2.Environment().from_string(bytes(field.parts[-1]).decode())
    out[name] = [{"messages": c, "add_generation_prompt": g, "text": template.render(messages=c, add_generation_prompt=g)}
                 for c in CONVERSATIONS for g in (True, False)]
print(json.dumps(out, indent=1))
