#!/usr/bin/env python3
"""Reward-server throughput: `srcode reward serve` vs the same scoring through semgrep per batch (the anchor).

Responses: vulnerable functions of the PrimeVul sample, cut to about 300 tokens (~1,200 bytes), in a ```c
fence after a line of prose; token offsets are 4-character chunks (about 300 per response). Each request
is one batch. The anchor is what a user would wire without us: per batch, write the code blocks to files,
run semgrep with our rule pack (Sources/SecurityOracle/Resources/external/semgrep) once over all of them,
and spread each finding's penalty over the tokens its span overlaps (same rule as the server).

    python3 benchmarks/reward_serve_bench.py --srcode .build/release/srcode --batch 64 --requests 30
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]


def responses(path: str, n: int, max_bytes: int = 1300) -> list[str]:
    out = []
    with open(path) as f:
        for line in f:
            code = json.loads(line).get("func_before") or ""
            cut = code.encode()[:max_bytes].decode(errors="ignore")
            cut = cut[: cut.rfind("\n") + 1] or cut
            out.append("Here is the function:\n```c\n" + cut + "```\n")
            if len(out) == n:
                break
    return out


def item(r: str) -> dict:
    return {"response": r, "offsets": [[i, min(i + 4, len(r))] for i in range(0, len(r), 4)]}


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


def bench_server(url: str, batches: list[bytes], requests: int, clients: int) -> dict:
    lat: list[float] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker():
        while True:
            with lock:
                k = next(counter, None)
            if k is None:
                return
            body = batches[k % len(batches)]
            t = time.perf_counter()
            req = urllib.request.Request(url + "/v1/rewards", data=body, headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=300) as r:
                res = json.loads(r.read())
            dt = time.perf_counter() - t
            assert res["errors"] == 0, res["results"][:1]
            with lock:
                lat.append(dt)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"requests": len(lat), "wall_s": wall, "p50_ms": pct(lat, 0.5) * 1000, "p99_ms": pct(lat, 0.99) * 1000}


def semgrep_batch(rs: list[str], rules: str) -> list[list[float]]:
    """Anchor: one semgrep run over the batch's code blocks, findings spread onto 4-char tokens."""
    with tempfile.TemporaryDirectory() as d:
        offsets = []
        for i, r in enumerate(rs):
            start = r.index("```c\n") + 5
            end = r.index("```", start)
            pathlib.Path(d, f"r{i}.c").write_text(r[start:end])
            offsets.append(start)
        out = subprocess.run(["semgrep", "scan", "--metrics=off", "--disable-version-check", "--quiet", "--json",
                              "--config", rules, d], capture_output=True, text=True, check=True)
        findings = json.loads(out.stdout)["results"]
    rewards = [[0.0] * len(item(r)["offsets"]) for r in rs]
    for f in findings:
        i = int(pathlib.Path(f["path"]).stem[1:])
        lo, hi = f["start"]["offset"] + offsets[i], f["end"]["offset"] + offsets[i]
        toks = [t for t, (s, e) in enumerate(item(rs[i])["offsets"]) if s < hi and e > lo]
        for t in toks:
            rewards[i][t] -= 1.0 / len(toks)
    return rewards


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--srcode", default=str(ROOT / ".build/release/srcode"))
    ap.add_argument("--data", default="/work/shared/data/primevul-sample/pairs_dev.jsonl")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--semgrep-batches", type=int, default=3)
    ap.add_argument("--compile", action="store_true", help="also run the server with the compile gate on")
    a = ap.parse_args()

    rs = responses(a.data, a.batch * 4)
    batches = [json.dumps({"items": [item(r) for r in rs[k * a.batch:(k + 1) * a.batch]]}).encode() for k in range(4)]
    tokens = statistics.mean(len(item(r)["offsets"]) for r in rs)
    print(f"responses: {len(rs)}, mean {tokens:.0f} tokens, {statistics.mean(len(r.encode()) for r in rs):.0f} bytes; batch {a.batch}; "
          f"{os.cpu_count()} cores")

    for compile_on in ([False, True] if a.compile else [False]):
        proc = subprocess.Popen([a.srcode, "reward", "serve", "--port", "0", "--compile" if compile_on else "--no-compile"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        url = proc.stdout.readline().strip().rsplit(" ", 1)[-1]
        try:
            bench_server(url, batches, 2, 1)  # warm-up
            for c in a.clients:
                r = bench_server(url, batches, a.requests, c)
                print(f"srcode reward serve (compile {'on' if compile_on else 'off'}), {c} client(s): "
                      f"{r['requests'] * a.batch / r['wall_s']:.0f} items/s, p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms per batch")
        finally:
            proc.terminate()
            proc.wait()

    rules = str(ROOT / "Sources/SecurityOracle/Resources/external/semgrep")
    lat = []
    for k in range(a.semgrep_batches):
        t = time.perf_counter()
        semgrep_batch(rs[(k % 4) * a.batch:((k % 4) + 1) * a.batch], rules)
        lat.append(time.perf_counter() - t)
    print(f"anchor: semgrep per batch (our rules): {a.batch * len(lat) / sum(lat):.1f} items/s, "
          f"p50 {pct(lat, 0.5) * 1000:.0f} ms, p99 {pct(lat, 0.99) * 1000:.0f} ms per batch ({len(lat)} batches)")


if __name__ == "__main__":
    main()
