#!/usr/bin/env python3
"""Reference next-token dump from llama.cpp (llama-cpp-python) for GenerationTests' parity test.

For each of 50 fixed prompts (C code, English, chat-formatted) and each default GGUF it records the
prompt's token ids (llama.cpp's tokenizer, so the test isolates the model), the top-1 next token,
the top-5 (id, logit) at the last position and logits[0:16] at the first and last positions.
Output is small (KBs): Tests/GenerationTests/Fixtures/llama-reference.json.

usage: python3 dev/llama_reference.py [out.json]   (models from ~/.cache/srcode/models)
"""
import json, os, sys
import numpy as np
from llama_cpp import Llama

ROOT = os.environ.get("SRCODE_MODELS", os.path.expanduser("~/.cache/srcode/models"))
MODELS = {
    "smollm2": f"{ROOT}/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    "qwen2.5-coder-0.5b": f"{ROOT}/qwen2.5-coder-0.5b/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
}

C_SNIPPETS = [
    "#include <stdio.h>\n\nint main(void) {\n    printf(",
    "void copy(char *dst, const char *src) {\n    strcpy(",
    "char buf[64];\nfgets(buf, sizeof(buf), stdin);\nbuf[strcspn(buf, \"\\n\")] = ",
    "int *p = malloc(n * sizeof(int));\nif (p == NULL) {\n    return ",
    "for (size_t i = 0; i < len; i++) {\n    sum += ",
    "static int compare(const void *a, const void *b) {\n    return ",
    "struct node {\n    int value;\n    struct node *",
    "FILE *f = fopen(path, \"rb\");\nif (!f) {\n    perror(",
    "size_t n = strlen(s);\nchar *copy = malloc(n + 1);\nmemcpy(copy, s, ",
    "#define MAX(a, b) ((a) > (b) ? ",
    "free(ptr);\nptr = ",
    "int fd = open(path, O_RDONLY);\nif (fd < 0) {\n    return -",
    "snprintf(buf, sizeof(buf), \"%s/%s\", dir, ",
    "while ((c = getchar()) != EOF) {\n    if (c == '\\n')\n        ",
    "uint32_t hash = 5381;\nfor (; *s; s++)\n    hash = ((hash << 5) + hash) + ",
    "if (len > sizeof(dst) - 1)\n    len = ",
    "pthread_mutex_lock(&lock);\ncounter++;\npthread_mutex_",
]
ENGLISH = [
    "The capital of France is",
    "Once upon a time, there was a",
    "The quick brown fox jumps over the",
    "In computer security, a buffer overflow is",
    "Water boils at 100 degrees",
    "The first president of the United States was",
    "To make a cup of tea, you first",
    "Python is a programming language that",
    "The sun rises in the",
    "A memory leak happens when a program",
    "The largest planet in our solar system is",
    "SQL injection can be prevented by",
    "Machine learning models are trained on",
    "The opposite of hot is",
    "One, two, three, four,",
    "Use-after-free bugs occur when",
    "The Eiffel Tower is located in",
]
QUESTIONS = [
    "What is the capital of France?",
    "Write a C function that returns the maximum of two integers.",
    "What does strncpy do?",
    "Explain what a null pointer dereference is in one sentence.",
    "How many legs does a spider have?",
    "Is gets() safe to use in C?",
    "Translate 'good morning' to Spanish.",
    "What is 2 + 2?",
    "Name a sorting algorithm.",
    "Why should you check the return value of malloc?",
    "What color is the sky on a clear day?",
    "Write a haiku about compilers.",
    "What is a format string vulnerability?",
    "Give me a synonym for 'fast'.",
    "How do I free memory in C?",
    "Who wrote Romeo and Juliet?",
]


def chat(model, q):
    system = {
        "smollm2": "You are a helpful AI assistant named SmolLM, trained by Hugging Face",
        "qwen2.5-coder-0.5b": "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.",
    }[model]
    return f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{q}<|im_end|>\n<|im_start|>assistant\n"


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else "Tests/GenerationTests/Fixtures/llama-reference.json"
    result = {"source": "llama-cpp-python", "threads": 1, "models": {}}
    for name, path in MODELS.items():
        llm = Llama(model_path=path, n_ctx=256, n_threads=1, n_batch=256, logits_all=True, verbose=False)
        prompts = C_SNIPPETS + ENGLISH + [chat(name, q) for q in QUESTIONS]
        assert len(prompts) == 50
        rows = []
        for p in prompts:
            toks = llm.tokenize(p.encode(), add_bos=False, special=True)
            llm.reset()
            llm.eval(toks)
            logits = np.array(llm.scores[: len(toks)], dtype=np.float32)
            last, first = logits[-1], logits[0]
            top5 = np.argsort(-last)[:5]
            rows.append({
                "prompt": p, "tokens": toks, "top1": int(top5[0]),
                "top5": [int(t) for t in top5], "top5_logits": [round(float(last[t]), 4) for t in top5],
                "first_logits": [round(float(v), 4) for v in first[:16]],
                "last_logits": [round(float(v), 4) for v in last[:16]],
            })
        result["models"][name] = {"path": os.path.basename(path), "llama_cpp": __import__("llama_cpp").__version__, "prompts": rows}
        print(name, "done", file=sys.stderr)
    with open(out_path, "w") as f:
        json.dump(result, f, indent=0)


if __name__ == "__main__":
    main()
