"""Outbox drain benchmark: the delivery worker's messages/s into the fake WeChat API vs the fake's own ceiling.

Usage (from the project directory):
    .venv/bin/python bench/outbox.py             # 100,000 messages (20,000 people x 5), a few minutes
    .venv/bin/python bench/outbox.py --quick     # 10,000 messages, well under 2 minutes
    .venv/bin/python bench/outbox.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

The fake WeChat API (tests/fakewechat.py) runs as its own process on 127.0.0.1. Every recipient has an open
48-hour window in the fake (`user_wrote`) and in the service's database (`person.last_inbound_at` = now), so the
worker picks the customer-service channel; WeChat allows 5 such messages per window, hence 5 messages a person.
Messages are enqueued with executemany (timed on its own), then `Worker.run_once()` is called until the outbox is
empty, with the worker's default batch size and `OUTBOX_CONCURRENCY` default. The ceiling is a client that only
posts the same `message/custom/send` requests from as many threads (one httpx.Client each, no database) to
other people in the same fake. Memory is the benchmark process's peak RSS while draining minus its RSS before.
SQLite is a fresh file in a temporary directory; with --database-url a temporary PostgreSQL database is created on
that server and dropped at the end. The CPU lines (shares of one core, fake and this process) show which side
limits a phase: this process near 1.0 is the GIL, the fake near 1.0 is the fake. The last line is
`outbox drain ratio R`, R = drain msgs/s / ceiling req/s.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import inspect
import json
import math
import re
import resource
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from scratch import scratch_database
from wrkload import START_TIMEOUT_S, Server, free_port

PROJECT = Path(__file__).resolve().parent.parent
APP_ID, SECRET = "wxfake", "s"
PER_WINDOW = 5  # customer-service messages WeChat allows per 48-hour window
CHUNK = 5_000  # rows per executemany (built lazily: the enqueue must not inflate the process before the drain)
TARGET_RATIO = 0.5
FLAT_MIB = 16.0  # RSS growth over the second half of the drain above this is "not flat"
TEXT = "【乡安】防控提醒：明日上午九点在村委会开展核酸检测，请携带身份证按时参加，不便出门的请回复。第{}号"


# ---------------------------------------------------------------- the fake WeChat API


class FakeServer(Server):
    """`python -m tests.fakewechat` in its own process group; ready when /_fake/summary answers."""

    def wait_ready(self) -> None:
        """Poll the fake's summary until it answers (it has no /healthz)."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            self.check_alive()
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(self.url("/_fake/summary"), timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"fake WeChat did not answer in {START_TIMEOUT_S:.0f} s:\n{self.log_tail()}")


def start_fake(workdir: Path) -> FakeServer:
    """The fake's server object (entered by the caller)."""
    port = free_port()
    argv = [sys.executable, "-m", "tests.fakewechat", "--port", str(port), "--appid", APP_ID, "--secret", SECRET]
    return FakeServer("fake WeChat", argv, None, workdir / "fakewechat.log", port)


def fake_helper(session: httpx.Client, url: str, helper: str, **kwargs) -> None:
    """Call a FakeWeChat helper in the fake's process."""
    response = session.post(f"{url}/_fake/{helper}", content=json.dumps(kwargs), timeout=30)
    response.raise_for_status()


def fake_summary(url: str) -> dict:
    """The fake's counts: calls by path, token fetches, deliveries by channel."""
    return httpx.get(f"{url}/_fake/summary", timeout=60).json()


def open_windows(url: str, openids: list[str], threads: int) -> float:
    """`user_wrote` for every openid, from a few threads with a session each; seconds taken."""
    local = threading.local()

    def wrote(chunk: list[str]) -> None:
        local.session = getattr(local, "session", None) or httpx.Client()
        for openid in chunk:
            fake_helper(local.session, url, "user_wrote", openid=openid)

    started = time.perf_counter()
    chunks = [openids[i : i + 500] for i in range(0, len(openids), 500)]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(wrote, chunks))
    return time.perf_counter() - started


def fetch_token(url: str) -> str:
    """The fake's current stable token (normal mode: the worker gets the same one)."""
    body = {"grant_type": "client_credential", "appid": APP_ID, "secret": SECRET, "force_refresh": False}
    result = httpx.post(f"{url}/cgi-bin/stable_token", content=json.dumps(body), timeout=10).json()
    return result["access_token"]


# ---------------------------------------------------------------- the ceiling: a client that only posts


class CpuMeter:
    """CPU use of the fake's process and of this one over a phase, as shares of one core."""

    def __init__(self, fake: Server):
        self.fake = fake
        self.start = (time.perf_counter(), fake.cpu_seconds(), _own_cpu())

    def shares(self) -> str:
        """Shares of one core used since construction, e.g. "fake 0.98 core, this process 1.10"."""
        wall, fake, own = time.perf_counter(), self.fake.cpu_seconds(), _own_cpu()
        elapsed = wall - self.start[0]
        return f"fake {(fake - self.start[1]) / elapsed:.2f} core, this process {(own - self.start[2]) / elapsed:.2f}"


def _own_cpu() -> float:
    """User+system CPU seconds of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def post_all(url: str, token: str, openids: list[str], per_person: int) -> int:
    """Post custom text messages as the service's wechatpy client does (httpx), one client; how many WeChat refused."""
    session, refused = httpx.Client(timeout=httpx.Timeout(10, connect=3)), 0
    endpoint = f"{url}/cgi-bin/message/custom/send"
    for n in range(per_person):
        for openid in openids:
            data = {"touser": openid, "msgtype": "text", "text": {"content": TEXT.format(n)}}
            body = json.dumps(data, ensure_ascii=False).encode("utf-8")
            response = session.post(endpoint, params={"access_token": token}, content=body)
            response.raise_for_status()
            refused += json.loads(response.content.decode("utf-8", "ignore")).get("errcode", 0) != 0
    return refused


def ceiling(url: str, token: str, openids: list[str], threads: int) -> tuple[float, int, int]:
    """(requests/s, requests, refused) of `threads` posting clients, each to its own slice of people."""
    slices = [openids[i::threads] for i in range(threads)]
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        refused = sum(pool.map(lambda part: post_all(url, token, part, PER_WINDOW), slices))
    elapsed = time.perf_counter() - started
    total = len(openids) * PER_WINDOW
    return total / elapsed, total, refused


# ---------------------------------------------------------------- the database


PERSON = (
    "INSERT INTO person (openid, subscribed, last_inbound_at, cs_used, created_at)"
    " VALUES (:openid, :yes, :now, 0, :now)"
)


def seed_people(db, openids: list[str], now: dt.datetime) -> None:
    """The recipients, each having written just now (window open, quota unused)."""
    from models.sql import Sql

    with db.begin() as connection:
        sql = Sql(connection)
        stamp, yes = sql.time(now), sql.flag(True)
        sql.many(PERSON, [{"openid": openid, "yes": yes, "now": stamp} for openid in openids])


def enqueue_all(db, openids: list[str], total: int, now: dt.datetime) -> float:
    """Queue `total` notices round-robin over the people, executemany in chunks; seconds taken."""
    from models.outbox import ENQUEUE
    from models.sql import Sql

    started = time.perf_counter()
    with db.begin() as connection:
        sql = Sql(connection)
        stamp = sql.time(now)
        for first in range(0, total, CHUNK):
            rows = [
                {"key": f"bench:{i}", "openid": openids[i % len(openids)], "kind": "notice", "text": TEXT.format(i),
                 "payload": "{}", "now": stamp}
                for i in range(first, min(total, first + CHUNK))
            ]  # fmt: skip
            sql.many(ENQUEUE, rows)
    return time.perf_counter() - started


def outbox_counts(db) -> tuple[dict, dict, int]:
    """(rows by status, rows by channel, delivery attempts) in the outbox."""
    from sqlalchemy import text

    with db.connect() as connection:
        statuses = dict(connection.execute(text("SELECT status, count(*) FROM outbox_message GROUP BY status")).all())
        channels = dict(connection.execute(text("SELECT channel, count(*) FROM outbox_message GROUP BY channel")).all())
        attempts = connection.execute(text("SELECT count(*) FROM delivery_attempt")).scalar_one()
    return statuses, channels, attempts


def not_sent(db, limit: int = 5) -> list[tuple]:
    """A few rows that did not end as 'sent', with their errors."""
    from sqlalchemy import text

    query = (
        "SELECT id, recipient_openid, status, channel, attempts, errcode, last_error FROM outbox_message"
        " WHERE status <> 'sent' ORDER BY id LIMIT :limit"
    )
    with db.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query), {"limit": limit}).all()]


# ---------------------------------------------------------------- memory


def _status_kib(field: str) -> int:
    """A size field of /proc/self/status in KiB (0 when missing)."""
    found = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    return int(found[1]) if found else 0


def rss_mib() -> float:
    """This process's resident memory now."""
    return _status_kib("VmRSS") / 1024


def reset_peak() -> bool:
    """Restart VmHWM from the current RSS (Linux: clear_refs 5); False when the kernel refuses."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class PeakSampler:
    """VmHWM when it can be reset, else VmRSS sampled every 20 ms: the peak since start()."""

    def __init__(self):
        self.stop = threading.Event()
        self.peak = 0.0
        self.hwm = False
        self.thread: threading.Thread | None = None

    def start(self) -> PeakSampler:
        """Note the RSS now and start watching."""
        self.hwm = reset_peak()
        self.peak = rss_mib()
        if not self.hwm:
            self.thread = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)
            self.thread.start()
        return self

    def _sample(self) -> None:
        """The fallback sampler's loop."""
        while not self.stop.wait(0.02):
            self.peak = max(self.peak, rss_mib())

    def finish(self) -> float:
        """The peak RSS in MiB since start()."""
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=1)
        return max(self.peak, _status_kib("VmHWM") / 1024 if self.hwm else 0.0, rss_mib())


# ---------------------------------------------------------------- the drain


def drain(worker, total: int, limit: int, deadline_s: float) -> tuple[int, float, list[tuple[float, float]]]:
    """run_once() until nothing is due (bounded); (rows claimed, seconds, [(fraction done, RSS MiB)])."""
    started = time.perf_counter()
    done, batches, next_report = 0, 0, 0.1
    samples: list[tuple[float, float]] = []
    max_batches = math.ceil(total / limit) * 3 + 50
    while batches < max_batches and time.perf_counter() - started < deadline_s:
        claimed = worker.run_once(limit)
        batches += 1
        if not claimed:
            break
        done += claimed
        if done / total >= next_report or done >= total:
            elapsed = time.perf_counter() - started
            samples.append((done / total, rss_mib()))
            print(f"  drained {done:>7}/{total} in {elapsed:6.1f} s: {done / elapsed:7.0f} msgs/s, "
                  f"RSS {samples[-1][1]:.1f} MiB", flush=True)  # fmt: skip
            next_report = math.floor(done / total * 10 + 1) / 10
    else:
        print(f"  stopped after {batches} batches / {time.perf_counter() - started:.0f} s (bound reached)")
    return done, time.perf_counter() - started, samples


def batch_limit() -> int:
    """The batch size the worker uses when run without one (Worker.run_once's default)."""
    from bot.delivery.worker import Worker

    return inspect.signature(Worker.run_once).parameters["limit"].default


def default_concurrency() -> int:
    """OUTBOX_CONCURRENCY's default, whatever the environment says."""
    from town.settings import Settings

    return Settings.model_fields["outbox_concurrency"].default


def bench_settings(database_url: str, fake_url: str, workdir: Path, concurrency: int):
    """Settings for a real (non-sandbox) worker against the fake; nothing from .env."""
    from town.settings import Settings

    return Settings(
        _env_file=None, database_url=database_url, wechat_app_id=APP_ID, wechat_app_secret=SECRET,
        wechat_token="bench-token", wechat_encoding_aes_key="", wechat_api_base_url=fake_url,
        wechat_account_type="service", wechat_template_ids="", wechat_subscribe_template_ids="",
        outbox_concurrency=concurrency, outbox_worker=False, redis_url="", spool_dir=workdir / "spool",
        admin_username="", admin_password="", log_level="warning",
    )  # fmt: skip


# ---------------------------------------------------------------- the run


@dataclass
class Numbers:
    """What one run measured."""

    messages: int
    ceiling_rps: float = 0.0
    enqueue_s: float = 0.0
    claimed: int = 0
    drain_s: float = 0.0
    rss_before: float = 0.0
    rss_peak: float = 0.0
    samples: list[tuple[float, float]] = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    channels: dict = field(default_factory=dict)
    attempts: int = 0
    not_sent: list[tuple] = field(default_factory=list)
    fake: dict = field(default_factory=dict)


def run(args, workdir: Path) -> float:
    """The whole benchmark; returns the ratio."""
    people = math.ceil(args.messages / PER_WINDOW)
    openids = [f"o-bench-{i:06d}" for i in range(people)]
    ceiling_ids = [f"o-ceiling-{i:06d}" for i in range(math.ceil(args.ceiling_requests / PER_WINDOW))]
    concurrency, limit, numbers = default_concurrency(), batch_limit(), Numbers(args.messages)
    print(f"messages {args.messages} to {people} people ({PER_WINDOW} each), worker concurrency {concurrency}, "
          f"batch {limit}; ceiling {len(ceiling_ids) * PER_WINDOW} requests", flush=True)  # fmt: skip
    with start_fake(workdir) as fake, scratch_database(args.database_url, workdir, file="outbox_bench.db") as url:
        seconds = open_windows(fake.url(), openids + ceiling_ids, concurrency)
        print(f"fake on :{fake.port}; opened {people + len(ceiling_ids)} windows in {seconds:.1f} s", flush=True)
        numbers.ceiling_rps = measure_ceiling(fake, ceiling_ids, concurrency)
        settings = bench_settings(url, fake.url(), workdir, concurrency)
        db = fill_outbox(settings, openids, numbers)
        measure_drain(settings, db, fake, limit, args.deadline, numbers)
        numbers.statuses, numbers.channels, numbers.attempts = outbox_counts(db)
        numbers.not_sent = not_sent(db)
        db.dispose()
        numbers.fake = fake_summary(fake.url())
    return report(numbers)


def measure_ceiling(fake: Server, openids: list[str], threads: int) -> float:
    """The posting-only client's requests/s against the fake."""
    token, meter = fetch_token(fake.url()), CpuMeter(fake)
    rps, sent, refused = ceiling(fake.url(), token, openids, threads)
    print(f"ceiling: {sent} posts from {threads} threads: {rps:.0f} req/s ({refused} refused); "
          f"CPU {meter.shares()}", flush=True)  # fmt: skip
    fake.check_alive()
    return rps


def fill_outbox(settings, openids: list[str], numbers: Numbers):
    """Migrate, add the people, enqueue the messages (timed); the engine."""
    from main import prepare_database
    from models.db import utcnow

    db = prepare_database(settings)
    now = utcnow()
    seed_people(db, openids, now)
    numbers.enqueue_s = enqueue_all(db, openids, numbers.messages, now)
    rate = numbers.messages / numbers.enqueue_s
    print(f"enqueued {numbers.messages} in {numbers.enqueue_s:.2f} s ({rate:.0f} rows/s)", flush=True)
    return db


def measure_drain(settings, db, fake: Server, limit: int, deadline_s: float, numbers: Numbers) -> None:
    """Drain with the real worker, watching this process's memory and both processes' CPU."""
    from bot.delivery import make_worker

    worker = make_worker(settings, db)
    try:
        gc.collect()
        sampler, meter = PeakSampler(), CpuMeter(fake)
        numbers.rss_before = rss_mib()
        sampler.start()
        numbers.claimed, numbers.drain_s, numbers.samples = drain(worker, numbers.messages, limit, deadline_s)
        numbers.rss_peak = sampler.finish()
        print(f"  drain CPU: {meter.shares()}", flush=True)
    except BaseException:
        worker.pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C: do not send the rest of the batch
        raise
    worker.close()
    fake.check_alive()


def report(n: Numbers) -> float:
    """Print the numbers; the ratio."""
    msgs = n.statuses.get("sent", 0) / n.drain_s if n.drain_s else 0.0
    ratio = msgs / n.ceiling_rps if n.ceiling_rps else math.nan
    half = [rss for fraction, rss in n.samples if fraction >= 0.5]
    growth = (n.samples[-1][1] - half[0]) if half else math.nan
    print()
    print(f"messages            {n.messages} ({n.claimed} claimed)")
    print(f"enqueue time        {n.enqueue_s:.2f} s ({n.messages / n.enqueue_s:.0f} rows/s, executemany)")
    print(f"drain time          {n.drain_s:.2f} s")
    print(f"drain msgs/s        {msgs:.0f}")
    print(f"ceiling req/s       {n.ceiling_rps:.0f}")
    print(f"peak RSS delta      {n.rss_peak - n.rss_before:.1f} MiB "
          f"(RSS {n.rss_before:.1f} MiB before the drain, peak {n.rss_peak:.1f} MiB)")  # fmt: skip
    print(f"RSS growth 2nd half {growth:+.1f} MiB (50% -> 100% of the drain)")
    print(f"outbox statuses     {n.statuses}; channels {n.channels}; delivery attempts {n.attempts}")
    for row in n.not_sent:
        print(f"  not sent: {row}")
    print(f"fake summary        calls {n.fake.get('calls')}, token fetches {n.fake.get('token_fetches')}, "
          f"deliveries {n.fake.get('deliveries')}, by path {n.fake.get('by_path')}")  # fmt: skip
    flat, all_sent = not growth > FLAT_MIB, set(n.statuses) == {"sent"}
    print(f"targets: ratio >= {TARGET_RATIO}: {_mark(ratio >= TARGET_RATIO)} ({ratio:.2f}); memory flat "
          f"(2nd-half growth <= {FLAT_MIB:.0f} MiB): {_mark(flat)}; all sent: {_mark(all_sent)}")  # fmt: skip
    return ratio


def _mark(ok: bool) -> str:
    """yes/NO for a target."""
    return "yes" if ok else "NO"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line, with --quick turned into sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 messages: done in well under 2 minutes")
    parser.add_argument("--messages", type=int, help="messages to drain (default 100,000; quick 10,000)")
    parser.add_argument("--ceiling-requests", type=int, help="posts of the ceiling client (default messages/5)")
    parser.add_argument("--database-url", help="PostgreSQL server to create a temporary database on (default SQLite)")
    parser.add_argument("--deadline", type=float, default=900.0, help="give up draining after this many seconds")
    args = parser.parse_args(argv)
    args.messages = args.messages or (10_000 if args.quick else 100_000)
    args.ceiling_requests = args.ceiling_requests or max(5_000, args.messages // 5)
    if args.messages < 1 or args.ceiling_requests < PER_WINDOW:
        parser.error("--messages must be >= 1 and --ceiling-requests >= 5")
    if args.database_url and not args.database_url.startswith("postgresql"):
        parser.error("--database-url must be a postgresql:// URL (SQLite is the default)")
    return args


def _terminate(signum, _frame) -> None:
    """SIGTERM/SIGHUP: unwind like Ctrl-C so the fake is killed and the database dropped."""
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the last line is the ratio."""
    args = parse_args(argv)
    sys.path.insert(0, str(PROJECT))
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)  # SIGINT too: a background job starts with it ignored
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="outbox_bench_") as tmp:
            ratio = run(args, Path(tmp))
    except KeyboardInterrupt:
        print("\ninterrupted: fake stopped, temporary database removed", file=sys.stderr)
        return 130
    except (RuntimeError, OSError, httpx.HTTPError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    print(f"(total {time.monotonic() - started:.0f} s)")
    print(f"outbox drain ratio {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
