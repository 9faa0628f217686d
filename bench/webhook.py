"""Load benchmark of the WeChat webhook: a bare FastAPI+wechatpy echo (a) vs this service's full path (b).

Usage (from the project directory):
    .venv/bin/python bench/webhook.py            # ~15 s warm-up + 2 x 12 s per target
    .venv/bin/python bench/webhook.py --quick    # the whole run in well under 2 minutes
    .venv/bin/python bench/webhook.py --loop both   # also uvloop, when uvloop is installed
    .venv/bin/python bench/webhook.py --quick --database-url postgresql+psycopg://postgres@/bench --workers 1 2
        # the service on PostgreSQL (a database of its own), with one uvicorn worker, then with two

Both targets are served by one uvicorn worker (the service by each of --workers in turn) on 127.0.0.1 (loop
asyncio, httptools, no access log) and loaded with wrk through a generated Lua script: every request carries a
unique MsgId (the service dedupes by (FromUserName, MsgId)); ~100 openids walk a short 我的信息 conversation so the
dialogue engine, conversation state and database writes are all exercised. Every request is signed afresh in the
Lua script (a nonce of its own): the service lets one signed query carry one message only. MsgIds differ between
invocations too, so a run on a database that had one before handles every message (none is a retry). Numbers are
printed, nothing is asserted; the last line is `webhook full path ratio R`, R = (b)/(a) 2xx throughput at
concurrency 16 (with the first --workers).

With --database-url the service runs on that database (its schema migrated as `main.py serve` does at start;
give it a database of its own: the bench's people and messages stay in it). On PostgreSQL the CPU the database's
backends spent is shown per request too ("db us/req").
"""

import argparse
import contextlib
import math
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from wrkload import HOST, LUA_SHA1, WRK, Result, Server, free_port, lua_list, lua_str, parse_wrk, run_wrk

PROJECT = Path(__file__).resolve().parent.parent
TOKEN = "xiangan-bench"
TARGET_RATIO, TARGET_P99_MS = 0.5, 100.0
TARGET_PG_RATIO, TARGET_SCALING = 0.3, 1.6  # issue 17: PostgreSQL with one worker; two workers against one


@dataclass
class Run(Result):
    """A wrk run, with the service's worker count and the database backends' CPU."""

    workers: int = 1
    db_us_per_req: float = math.nan
    busy_cores: float = math.nan  # the whole machine's, during the run (server, database, wrk and anything else)


# One conversation step per entry; each user picks the variant at (user index mod number of variants).
# Every cycle starts with 取消 so a user cut off mid-flow by the end of a run starts clean in the next one;
# the second 我的信息 finds a saved profile (summary), and 电话不对 goes back to a question.
SCRIPT = (
    ("取消", "算了"),
    ("你好", "在吗", "你好呀"),
    ("我的信息",),
    ("张伟", "王芳", "李娜", "刘洋", "我叫陈静", "杨秀英", "赵磊", "黄桂兰"),
    ("13812345678", "139 1234 5678", "15800001111", "一三七一二三四五六七八"),
    ("鸣皋村", "孙村", "东叶寨", "元东村", "徐阳村"),
    ("对", "是的", "确认"),
    ("帮助",),
    ("我的信息", "修改信息"),
    ("电话不对", "名字不对"),
)


# ---------------------------------------------------------------- the baseline server (target a)


def baseline_app():
    """A bare FastAPI route: parse with wechatpy, echo the text in a wechatpy TextReply."""
    from fastapi import FastAPI, Request
    from fastapi.responses import Response
    from wechatpy import parse_message
    from wechatpy.replies import TextReply

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/wechat")
    async def echo(request: Request) -> Response:
        """Parse, echo the text back."""
        message = parse_message(await request.body())
        content = getattr(message, "content", "") or "success"
        return Response(TextReply(message=message, content=content).render(), media_type="application/xml")

    @app.get("/healthz")
    async def healthz() -> dict:
        """Readiness probe for the driver."""
        return {"ok": True}

    return app


def serve_baseline(port: int, loop: str) -> None:
    """Serve the baseline with the options the service uses."""
    import uvicorn

    uvicorn.run(
        baseline_app(), host=HOST, port=port, loop=loop, http="httptools", access_log=False, log_level="warning"
    )


def serve_app(port: int, loop: str, workers: int = 1) -> None:
    """Serve the real app like `main.py serve`, but on another event loop (for the uvloop comparison; with more than
    one worker, uvicorn's own, sharing one socket, not `bot/workers.py`'s)."""
    import uvicorn

    sys.path.insert(0, str(PROJECT))
    from main import prepare_database
    from town.settings import get_settings

    prepare_database(get_settings())
    uvicorn.run(
        "main:create_app",
        factory=True,
        host=HOST,
        port=port,
        workers=workers,
        loop=loop,
        http="httptools",
        access_log=False,
        log_level="warning",
        proxy_headers=False,
    )


# ---------------------------------------------------------------- requests and the wrk Lua script


def signed_path() -> str:
    """A freshly signed /wechat query string (valid for WEBHOOK_MAX_SKEW_S, 10 minutes by default)."""
    from bot import sandbox
    from town.settings import Settings

    settings = Settings(wechat_token=TOKEN, wechat_encoding_aes_key="", wechat_app_id="")
    return sandbox.sign_request(settings, sandbox.text_xml("bench-user-000", "你好"), encrypt=False).path


def body_parts() -> tuple[str, str, str, str]:
    """The text message XML split around openid, content and MsgId, as sandbox.text_xml builds it."""
    from bot import sandbox

    now = int(time.time())
    openid, content, msg_id = "OPENIDMARK", "CONTENTMARK", 424242424242424242
    head, rest = sandbox.text_xml(openid, content, msg_id=msg_id, create_time=now).split(openid)
    middle, rest = rest.split(content)
    tail, end = rest.split(str(msg_id))
    if head + "u" + middle + "t" + tail + "1" + end != sandbox.text_xml("u", "t", msg_id=1, create_time=now):
        raise RuntimeError("sandbox.text_xml changed shape: cannot template the request body")
    return head, middle, tail, end


def lua_script(users: int, threads: int, run_id: int) -> str:
    """A wrk script: each thread walks its own users through SCRIPT, every MsgId and nonce unique to this run."""
    head, middle, tail, end = body_parts()
    steps = "{" + ", ".join(lua_list(variants) for variants in SCRIPT) + "}"
    openids = lua_list(f"bench-user-{i:03d}" for i in range(users))
    per_thread = math.ceil(users / threads)
    return f"""-- generated by bench/webhook.py
{LUA_SHA1}
local token, timestamp = {lua_str(TOKEN)}, {lua_str(str(int(time.time())))}
local head, middle, tail, tail_end = {lua_str(head)}, {lua_str(middle)}, {lua_str(tail)}, {lua_str(end)}
local steps = {steps}
local users = {openids}
local threads, per_thread = {threads}, {per_thread}
local next_tid = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end

function init(args)
  n = 0
end

function request()
  n = n + 1
  local slot = (n - 1) % per_thread
  local step = steps[math.floor((n - 1) / per_thread) % #steps + 1]
  local user = (tid + slot * threads) % #users
  local text = step[user % #step + 1]
  local msg_id = string.format("%d%03d%010d", {run_id}, tid, n)
  local body = head .. users[user + 1] .. middle .. text .. tail .. msg_id .. tail_end
  local path = "/wechat?signature=" .. wechat_signature(token, timestamp, msg_id) .. "&timestamp=" .. timestamp
    .. "&nonce=" .. msg_id .. "&openid=" .. users[user + 1]
  return wrk.format(nil, path, nil, body)
end
"""


# ---------------------------------------------------------------- processes


def service_env(workdir: Path, port: int, database_url: str = "", workers: int = 1, **overrides: str) -> dict:
    """Sandbox settings, the database (a fresh SQLite file by default) and a fresh spool (or `overrides`).

    Explicit so a local .env cannot interfere.
    """
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url or f"sqlite:///{workdir / 'bench.db'}",
        SPOOL_DIR=str(workdir / "spool"),  # never replay (and consume) the project's own data/spool
        WECHAT_TOKEN=TOKEN,
        WECHAT_APP_ID="",
        WECHAT_APP_SECRET="",
        WECHAT_ENCODING_AES_KEY="",
        REDIS_URL="",
        HOST=HOST,
        PORT=str(port),
        WORKERS=str(workers),
        LOG_LEVEL="warning",
        ADMIN_USERNAME="",
        ADMIN_PASSWORD="",
        # Each bench openid writes ~8 messages a second, past any per-minute limit: measure the full path without
        # it (the limit's capped count costs ~20 us a message: README, Benchmark).
        MESSAGES_PER_MINUTE=os.environ.get("BENCH_MESSAGES_PER_MINUTE", "0"),
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


# ---------------------------------------------------------------- wrk


def smoke_test(server: Server, path: str) -> str:
    """One request by hand: the reply must be a 200 with a <Content>; returns the reply text."""
    from bot import sandbox

    xml = sandbox.text_xml("bench-smoke", "你好", msg_id=1)
    headers = {"Content-Type": "text/xml; charset=utf-8"}
    response = httpx.post(server.url(path), content=xml.encode(), headers=headers, timeout=10)
    response.raise_for_status()
    body = response.content.decode()
    found = re.search(r"<Content><!\[CDATA\[(.*?)\]\]></Content>", body, re.S)
    if not found:
        raise RuntimeError(f"{server.name}: unexpected reply to a signed text message: {body[:200]!r}")
    return found[1]


# ---------------------------------------------------------------- one target


def bench_target(
    name: str, loop: str, server: Server, args, workdir: Path, run_ids, *, workers: int = 1, database_url: str = ""
) -> list[Run]:
    """Warm up once, then one wrk run per concurrency; CPU per request from /proc (the server's process tree)."""
    path = signed_path()
    name_shown = f"{name}x{workers}" if workers > 1 else name
    print(f"[{name_shown}/{loop}] up on :{server.port}; smoke reply: {smoke_test(server, path)[:40]!r}", flush=True)
    script = workdir / f"webhook_{name}{workers}_warm.lua"
    script.write_text(lua_script(args.users, args.threads, next(run_ids)))
    run_wrk(server, script, max(args.concurrency), args.threads, args.warmup)
    results = []
    for connections in args.concurrency:
        script = workdir / f"webhook_{name}{workers}_{connections}.lua"
        script.write_text(lua_script(args.users, args.threads, next(run_ids)))
        cpu_before, db_before = tree_cpu_seconds(server.proc.pid), db_cpu(database_url)
        busy_before, started = machine_busy_seconds(), time.monotonic()
        output = run_wrk(server, script, connections, args.threads, args.duration)
        result = parse_wrk(output, Run(name, loop, connections, workers=workers))
        result.busy_cores = (machine_busy_seconds() - busy_before) / (time.monotonic() - started)
        if result.requests:
            result.cpu_us_per_req = (tree_cpu_seconds(server.proc.pid) - cpu_before) * 1e6 / result.requests
            if db_before is not None:
                result.db_us_per_req = (db_cpu(database_url) - db_before) * 1e6 / result.requests
        if args.verbose:
            print(output, flush=True)
        print(f"  {row(result)}", flush=True)
        results.append(result)
    return results


def tree_cpu_seconds(pid: int) -> float:
    """User+system CPU time of a process and its live descendants (uvicorn's workers are its children)."""
    parents, cpu = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
            cpu[int(stat.parent.name)] = int(fields[11]) + int(fields[12])
    tree, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree, grew = tree | more, bool(more)
    return sum(cpu.get(member, 0) for member in tree) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat: user to softirq, not idle, iowait or steal)."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def db_cpu(database_url: str) -> float | None:
    """PostgreSQL: CPU seconds of the backends connected to this database now (None on SQLite)."""
    if not database_url.startswith("postgresql"):
        return None
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as db:
            pids = db.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).scalars()
            pids = list(pids)
    finally:
        engine.dispose()
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def database_summary(database_url: str) -> str:
    """What the full path stored: inbound rows by status, people, open conversations."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as db:
            statuses = dict(db.execute(text("SELECT status, count(*) FROM inbound_message GROUP BY status")).all())
            people = db.execute(text("SELECT count(*) FROM person")).scalar()
            named = db.execute(text("SELECT count(*) FROM person WHERE phone IS NOT NULL")).scalar()
            states = dict(db.execute(text("SELECT step, count(*) FROM conversation_state GROUP BY step")).all())
    finally:
        engine.dispose()
    return f"inbound rows {statuses}, people {people} ({named} with a saved profile), open conversations {states}"


def run_loop(args, workdir: Path, run_ids, loop: str) -> list[Run]:
    """Both targets on one event loop."""
    results = []
    me = [sys.executable, str(Path(__file__).resolve())]
    if "a" in args.targets:
        port = free_port()
        with Server(
            "baseline",
            [*me, "--serve-baseline", str(port), "--loop", loop],
            dict(os.environ),
            workdir / f"webhook_baseline_{loop}.log",
            port,
        ) as server:
            results += bench_target("baseline", loop, server, args, workdir, run_ids)
    if "b" not in args.targets:
        return results
    for workers in args.workers:
        port = free_port()
        db_dir = workdir / f"service_{loop}_{workers}"
        db_dir.mkdir()
        database_url = args.database_url or f"sqlite:///{db_dir / 'bench.db'}"  # as service_env's default
        argv = (
            [sys.executable, "main.py", "serve", "--port", str(port)]
            if loop == "asyncio"
            else [*me, "--serve-app", str(port), "--loop", loop, "--workers", str(workers)]
        )
        env = service_env(db_dir, port, database_url, workers)
        with Server("service", argv, env, workdir / f"webhook_service_{loop}_{workers}.log", port) as server:
            results += bench_target(
                "service", loop, server, args, workdir, run_ids, workers=workers, database_url=database_url
            )
        print(f"  [service x{workers}/{loop}] {database_summary(database_url)}", flush=True)
    return results


# ---------------------------------------------------------------- report

HEADER = (
    f"{'target':<11} {'loop':<8} {'conns':>5} {'req/s':>8} {'2xx/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
    f"{'non-2xx':>8} {'sock err':>8} {'cpu us/req':>10} {'db us/req':>9} {'busy cores':>10}"
)


def row(r: Run) -> str:
    """One table line."""
    name = f"{r.target}x{r.workers}" if r.workers > 1 else r.target
    return (
        f"{name:<11} {r.loop:<8} {r.connections:>5} {r.rps:>8.0f} {r.ok_rps:>8.0f} {r.p50_ms:>8.2f} "
        f"{r.p99_ms:>8.2f} {r.non_2xx:>8} {r.socket_errors:>8} {r.cpu_us_per_req:>10.0f} {r.db_us_per_req:>9.0f}"
        f" {r.busy_cores:>10.2f}"
    )


def ratio(results: list[Run], loop: str, connections: int, workers: int = 1) -> float:
    """(b) with this many workers / (a) 2xx throughput at one concurrency, NaN when a side is missing."""
    pick = [r for r in results if r.loop == loop and r.connections == connections]
    baseline = next((r for r in pick if r.target == "baseline"), None)
    service = next((r for r in pick if r.target == "service" and r.workers == workers), None)
    if baseline is None or service is None or not baseline.ok_rps:
        return math.nan
    return service.ok_rps / baseline.ok_rps


def report(results: list[Run], args) -> None:
    """The table, the targets, and the ratio as the last line."""
    low, high = min(args.concurrency), max(args.concurrency)
    first = args.workers[0]
    print("\n" + HEADER)
    for result in results:
        print(row(result))
    print()
    for loop in args.loops:
        for workers in args.workers:
            shown = f", {workers} workers" if workers > 1 else ""
            for connections in sorted(args.concurrency, reverse=True):
                value = ratio(results, loop, connections, workers)
                print(f"webhook full path ratio at c={connections} ({loop}{shown}) {value:.2f}")
    if 1 in args.workers and 2 in args.workers:
        for connections in sorted(args.concurrency, reverse=True):
            two, one = (ratio(results, "asyncio", connections, n) for n in (2, 1))
            print(f"two workers against one at c={connections}: {two / one:.2f}x{_ceiling(results, connections)}")
    service = [r for r in results if r.target == "service" and r.loop == "asyncio" and r.workers == first]
    if service:
        p99_high = next((r.p99_ms for r in service if r.connections == high), math.nan)
        failures = sum(r.non_2xx + r.socket_errors for r in service)
        r16 = ratio(results, "asyncio", low, first)
        print(
            f"targets: ratio at c={low} >= {TARGET_RATIO}: {_mark(r16 >= TARGET_RATIO)} ({r16:.2f}); "
            f"p99 at c={high} < {TARGET_P99_MS:.0f} ms: {_mark(p99_high < TARGET_P99_MS)} ({p99_high:.1f} ms); "
            f"non-2xx and socket errors = 0: {_mark(failures == 0)} ({failures})"
        )
    if args.database_url.startswith("postgresql"):
        pg = ratio(results, "asyncio", low, 1)
        line = f"PostgreSQL targets: one worker's ratio at c={low} >= {TARGET_PG_RATIO}: "
        line += f"{_mark(pg >= TARGET_PG_RATIO)} ({pg:.2f})"
        if 2 in args.workers:
            scaling = ratio(results, "asyncio", low, 2) / pg
            line += f"; two workers >= {TARGET_SCALING}x one: {_mark(scaling >= TARGET_SCALING)} ({scaling:.2f}x)"
        print(line)
    main_loop = "asyncio" if "asyncio" in args.loops else args.loops[0]
    print(f"webhook full path ratio {ratio(results, main_loop, low, first):.2f}")


def _ceiling(results: list[Run], connections: int) -> str:
    """What more workers could add at most, if each request kept its CPU cost: the cores the one-worker run left."""
    one = next((r for r in results if r.target == "service" and r.workers == 1 and r.connections == connections), None)
    if one is None or not one.busy_cores > 0:
        return ""
    cores = os.cpu_count() or 1
    return f" (one worker kept {one.busy_cores:.2f} of {cores} cores busy: at most {cores / one.busy_cores:.2f}x)"


def _mark(ok: bool) -> str:
    """yes/NO for a target."""
    return "yes" if ok else "NO"


# ---------------------------------------------------------------- command line


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line, with --quick turned into durations."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 s warm-up, 5 s runs: done in well under 2 minutes")
    parser.add_argument(
        "--duration", type=float, help="seconds per measured wrk run (default 12, quick 5; < 590: signature age)"
    )
    parser.add_argument("--warmup", type=float, help="seconds of warm-up per target (default 3, quick 1)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64], help="wrk connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1 leaves a core to the server)")
    parser.add_argument("--users", type=int, default=100, help="distinct openids in the message mix")
    parser.add_argument("--targets", default="ab", help="a = baseline, b = the service (default: ab)")
    parser.add_argument(
        "--loop",
        default="asyncio",
        choices=("asyncio", "uvloop", "both"),
        help="event loop(s); uvloop only when it is installed",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="the service's database (default: a fresh SQLite file); give PostgreSQL a database of its own",
    )
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1], help="uvicorn workers for the service, one run each (default 1)"
    )
    parser.add_argument("--verbose", action="store_true", help="print wrk's own output too")
    parser.add_argument("--serve-baseline", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--serve-app", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.duration = args.duration or (5.0 if args.quick else 12.0)
    args.warmup = args.warmup or (1.0 if args.quick else 3.0)
    args.loops = ["asyncio", "uvloop"] if args.loop == "both" else [args.loop]
    if max(args.duration, args.warmup) >= 590:
        parser.error("runs must stay shorter than the service's timestamp window (WEBHOOK_MAX_SKEW_S, 600 s)")
    return args


def check_tools(args) -> None:
    """Refuse to start without wrk, or with uvloop asked for but missing."""
    if not Path(WRK).exists():
        sys.exit("wrk is not installed (apt-get install wrk)")
    if "uvloop" in args.loops:
        try:
            import uvloop  # noqa: F401
        except ImportError:
            sys.exit("--loop uvloop/both needs uvloop installed in this Python")


def _terminate(signum, _frame) -> None:
    """SIGTERM/SIGHUP: unwind like Ctrl-C so every server is killed."""
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    """Serve one target (internal modes) or run the whole benchmark."""
    args = parse_args(argv)
    if args.serve_baseline:
        serve_baseline(args.serve_baseline, args.loop)
        return 0
    if args.serve_app:
        serve_app(args.serve_app, args.loop, args.workers[0])
        return 0
    check_tools(args)
    sys.path.insert(0, str(PROJECT))
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)
    # MsgIds are unique to this invocation too: a second run on the same --database-url must not meet the first's
    # messages (the service would answer them as WeChat's retries, from the stored reply, without handling them).
    first_run_id = secrets.randbelow(80_000) + 10_000
    run_ids = iter(range(first_run_id, first_run_id + 1000))
    started = time.monotonic()
    results: list[Run] = []
    try:
        with tempfile.TemporaryDirectory(prefix="webhook_bench_") as tmp:
            print(
                f"wrk {args.duration:.0f} s per run after {args.warmup:.0f} s warm-up, {args.threads} thread(s), "
                f"{args.users} openids, concurrency {args.concurrency}, loops {args.loops}",
                flush=True,
            )
            for loop in args.loops:
                results += run_loop(args, Path(tmp), run_ids, loop)
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped", file=sys.stderr)
        return 130
    except (RuntimeError, OSError, subprocess.TimeoutExpired, httpx.HTTPError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    print(f"\n(total {time.monotonic() - started:.0f} s)")
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
