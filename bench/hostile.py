"""Hostile drill: 10,000 forged, malformed and oversized requests against the real service, in safe and plaintext mode.

Usage (from the project directory):
    .venv/bin/python bench/hostile.py              # 10,000 requests per mode, safe (AES key) then plaintext
    .venv/bin/python bench/hostile.py --quick      # ~600 per mode (CI: tests/test_hostile.py)
    .venv/bin/python bench/hostile.py --mode safe --requests 2000

The service runs as `python main.py serve` (sandbox WeChat, a fresh SQLite file) like bench/webhook.py. The
requests (bench/hostile_cases.py) are shuffled with a fixed seed and mixed with valid messages, sent from a few
threads with WeChat's 5 s deadline. Printed per mode and category: count, answers by status, 500s, timeouts,
connection errors; then the server's RSS before and after (VmRSS, measured after a warm-up round). Exit status 1 on
any 500, any timeout, a valid message not answered 200, or RSS growth >= 10 MiB.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

PROJECT = Path(__file__).resolve().parent.parent
for _path in (PROJECT, PROJECT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from hostile_cases import AES_KEY, CATEGORIES, TOKEN, Account, Request  # noqa: E402
from webhook import service_env  # noqa: E402
from wrkload import Server, free_port  # noqa: E402

DEADLINE_S = 5.0  # WeChat's: a later answer is a failed delivery
RSS_LIMIT_KIB = 10 * 1024
WARM_UP = 300
VERBOSE = False  # --verbose: print each connection error


class Tally:
    """Answers per category: statuses, 500s, timeouts, connection errors, valid messages not answered 200."""

    def __init__(self):
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.slowest: dict[str, float] = defaultdict(float)

    def add(self, category: str, outcome: str, seconds: float) -> None:
        self.statuses[category][outcome] += 1
        self.slowest[category] = max(self.slowest[category], seconds)

    def count(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.statuses.values())

    def not_ok(self) -> int:
        return sum(c["valid!"] for c in self.statuses.values())


def plan(total: int, seed: int) -> list[tuple[str, int]]:
    """(category, index) for `total` requests in the categories' shares, shuffled."""
    weights = sum(share for _, share in CATEGORIES.values())
    order = [(name, i) for name, (_, share) in CATEGORIES.items() for i in range(max(1, total * share // weights))]
    random.Random(seed).shuffle(order)
    return order


def send(client: httpx.Client, request: Request) -> str:
    """One request; its outcome: the status code, "timeout" or "conn_error"."""
    body = iter(request.body) if isinstance(request.body, list) else request.body
    try:
        response = client.post(request.path, content=body, headers=request.headers)
    except httpx.TimeoutException:
        return "timeout"
    except httpx.TransportError as exc:
        if VERBOSE:
            print(f"conn_error {type(exc).__name__} {exc} {request.path[:60]}", flush=True)
        return "conn_error"
    return str(response.status_code)


def fire(server: Server, account: Account, order: list[tuple[str, int]], threads: int, tally: Tally | None) -> None:
    """Build and send every request of the plan from `threads` threads, tallying the outcomes.

    WeChat's messages go over kept-alive connections of their own; each hostile request opens its own connection
    (`Connection: close`), as an attacker's would: a body refused unread then resets only the attacker's socket.
    """
    limits = httpx.Limits(max_connections=threads, max_keepalive_connections=threads)
    with (
        httpx.Client(base_url=server.url(), timeout=DEADLINE_S, limits=limits) as wechat,
        httpx.Client(base_url=server.url(), timeout=DEADLINE_S, limits=limits) as attacker,
    ):

        def one(item: tuple[str, int]) -> None:
            category, i = item
            request = CATEGORIES[category][0](account, i)
            if not request.expect_ok:
                request.headers["Connection"] = "close"
            started = time.monotonic()
            outcome = send(wechat if request.expect_ok else attacker, request)
            if tally is not None:
                tally.add(category, outcome, time.monotonic() - started)
                if request.expect_ok and outcome != "200":
                    tally.add(category, "valid!", 0.0)

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, order))


def rss_kib(pid: int) -> int:
    """The process's resident set (VmRSS) in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def run_mode(safe: bool, total: int, threads: int, seed: int, workdir: Path) -> dict:
    """One server, warm-up, the drill; the tally and memory."""
    name = "safe" if safe else "plaintext"
    port = free_port()
    mode_dir = workdir / name
    mode_dir.mkdir()
    env = service_env(mode_dir, port, WECHAT_TOKEN=TOKEN, WECHAT_ENCODING_AES_KEY=AES_KEY if safe else "",
                      SCHEDULER="false", LOG_LEVEL="error")  # fmt: skip
    argv = [sys.executable, "main.py", "serve", "--port", str(port)]
    account = Account(safe)
    with Server(f"service-{name}", argv, env, mode_dir / "service.log", port) as server:
        # The warm-up sends every category once over (caches, the NLU's first words, SQLite's pages) untallied.
        fire(server, account, plan(WARM_UP, seed + 1), threads, None)
        before = rss_kib(server.proc.pid)
        tally, started = Tally(), time.monotonic()
        fire(server, account, plan(total, seed), threads, tally)
        elapsed = time.monotonic() - started
        server.check_alive()
        after = rss_kib(server.proc.pid)
    errors = Counter(re.findall(r"^(\w+(?:\.\w+)*(?:Error|Exception|Exit)\b.*)$", read_log(mode_dir), re.M))
    return {"name": name, "tally": tally, "rss_before": before, "rss_after": after, "seconds": elapsed,
            "errors": errors}  # fmt: skip


def read_log(mode_dir: Path) -> str:
    """The server's log (its tracebacks end in the exception's line)."""
    return (mode_dir / "service.log").read_text(encoding="utf-8", errors="replace")


def report(result: dict) -> list[str]:
    """Print one mode's table; the reasons it fails (empty when it passes)."""
    tally: Tally = result["tally"]
    name = result["name"]
    print(f"\n[{name}] {sum(sum(c.values()) - c['valid!'] for c in tally.statuses.values())} requests "
          f"in {result['seconds']:.1f} s")  # fmt: skip
    print(f"{'category':<20} {'count':>6} {'500':>5} {'timeout':>7} {'conn':>5} {'slowest s':>9}  answers by status")
    for category in CATEGORIES:
        counts = tally.statuses.get(category, Counter())
        statuses = {k: v for k, v in sorted(counts.items()) if k.isdigit()}
        total = sum(statuses.values()) + counts["timeout"] + counts["conn_error"]
        print(
            f"{category:<20} {total:>6} {counts['500']:>5} {counts['timeout']:>7} {counts['conn_error']:>5} "
            f"{tally.slowest[category]:>9.2f}  {' '.join(f'{k}:{v}' for k, v in statuses.items())}"
        )
    growth = result["rss_after"] - result["rss_before"]
    print(f"[{name}] server RSS {result['rss_before'] / 1024:.1f} MiB -> {result['rss_after'] / 1024:.1f} MiB "
          f"(growth {growth / 1024:+.1f} MiB)")  # fmt: skip
    for line, n in result["errors"].most_common(8):
        print(f"[{name}] server log: {n} x {line[:160]}")
    failures = []
    for outcome, label in (("500", "answers of 500"), ("timeout", "timeouts")):
        if n := tally.count(outcome):
            failures.append(f"{n} {label}")
    if n := tally.not_ok():
        failures.append(f"{n} valid messages not answered 200")
    if growth >= RSS_LIMIT_KIB:
        failures.append(f"RSS grew {growth / 1024:.1f} MiB")
    print(f"hostile {name}: 500s {tally.count('500')}, timeouts {tally.count('timeout')}, "
          f"valid not 200 {tally.not_ok()}, rss growth MiB {growth / 1024:.1f}")  # fmt: skip
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="~600 requests per mode (the CI form)")
    parser.add_argument("--requests", type=int, help="requests per mode (default 10,000; quick 600)")
    parser.add_argument("--mode", choices=("safe", "plaintext", "both"), default="both")
    parser.add_argument("--threads", type=int, default=8, help="concurrent senders")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--keep", metavar="DIR", help="keep the servers' logs and databases in DIR (must not exist)")
    parser.add_argument("--verbose", action="store_true", help="print each connection error as it happens")
    args = parser.parse_args(argv)
    global VERBOSE
    VERBOSE = args.verbose
    total = args.requests or (600 if args.quick else 10_000)
    modes = {"safe": [True], "plaintext": [False], "both": [True, False]}[args.mode]
    failures = []
    with tempfile.TemporaryDirectory(prefix="hostile_") as tmp:
        workdir = Path(args.keep or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for safe in modes:
            result = run_mode(safe, total, args.threads, args.seed, workdir)
            failures += [f"{result['name']}: {reason}" for reason in report(result)]
    print("\nhostile drill: " + ("passed" if not failures else "FAILED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
