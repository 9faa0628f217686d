"""Benchmark the NLU: start-up, memory, understand() p50/p99 after warm-up, against jieba's bare lcut.

    .venv/bin/python bench/nlu.py [--rounds 20]

Both are measured in the same run on the same messages (tests/nlu/*.jsonl); absolute figures drift 20-30 %
between runs on shared machines, the ratio much less. A second process with an empty TMPDIR measures a cold
start-up (no jieba cache file).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mib() -> float:
    """Resident memory of this process in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def messages() -> list[str]:
    """Every labelled message text."""
    texts = []
    for path in sorted((ROOT / "tests" / "nlu").glob("*.jsonl")):
        if path.name.startswith("blind"):
            continue  # the blind sets are only ever scored, never run for anything else
        texts += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line.strip()]
    return texts


def timings(fn, texts: list[str], rounds: int) -> list[float]:
    """Per-call wall times in microseconds."""
    out = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter_ns()
            fn(text)
            out.append((time.perf_counter_ns() - started) / 1000)
    return out


def pct(values: list[float], q: float) -> float:
    """The q-quantile."""
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1]


def startup_only() -> None:
    """Print the import + warm_up time of a fresh process."""
    started = time.perf_counter()
    from bot import nlu

    nlu.warm_up()
    print(f"{time.perf_counter() - started:.3f}")


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--startup-only", action="store_true")
    args = parser.parse_args()
    if args.startup_only:
        return startup_only()
    base = rss_mib()
    started = time.perf_counter()
    from bot import nlu

    nlu.warm_up()
    startup = time.perf_counter() - started
    nlu_rss = rss_mib() - base
    with tempfile.TemporaryDirectory() as tmp:
        cold = subprocess.run(
            [sys.executable, __file__, "--startup-only"],
            capture_output=True,
            text=True,
            env={**os.environ, "TMPDIR": tmp},
            check=True,
        ).stdout.strip()
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    texts = messages()
    for text in texts:  # warm both paths
        nlu.understand(text)
        jieba.lcut(text)
    ours = timings(nlu.understand, texts, args.rounds)
    bare = timings(jieba.lcut, texts, args.rounds)
    p50, p99, b50, b99 = pct(ours, 0.5), pct(ours, 0.99), pct(bare, 0.5), pct(bare, 0.99)
    print(f"messages: {len(texts)} x {args.rounds} rounds")
    print(f"start-up (import + warm_up):     {startup:.2f} s   cold (no jieba cache): {float(cold):.2f} s")
    print(f"NLU resident memory:             {nlu_rss:.0f} MiB (process {rss_mib():.0f} MiB with bare jieba)")
    print(f"understand()  p50 {p50:7.1f} us   p99 {p99:7.1f} us   max {max(ours):7.1f} us")
    print(f"jieba.lcut    p50 {b50:7.1f} us   p99 {b99:7.1f} us")
    print(f"ratio understand/lcut: p50 {p50 / b50:.2f}x   p99 {p99 / b99:.2f}x")


if __name__ == "__main__":
    main()
