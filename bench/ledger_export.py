"""Ledger export benchmark (issue 17): `export-ledger` of bench/dashboard.py's town, wall and CPU time, peak RSS.

Usage (from the project directory):
    .venv/bin/python bench/ledger_export.py                                    # SQLite, 100,000 declarations
    .venv/bin/python bench/ledger_export.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/ledger_export.py --project /work/main --project .   # before/after, back to back

The data is bench/dashboard.py's (N declarations, each classified; Q households under a measure with four sampling
rounds), built once in a scratch database; then `python main.py export-ledger` runs as an operator runs it, once per
--project directory (that checkout's code, the same database), --repeat times each. Times include start-up.
The data is built by a child process: a child's peak RSS (ru_maxrss) counts its parent's memory at the fork, so the
parent stays small.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.scratch import scratch_database  # noqa: E402


def export(project: Path, url: str, out: Path) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak RSS MiB, exit code) of one `export-ledger` run with that checkout's code."""
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "warning", "WECHAT_APP_ID": "", "PYTHONPATH": str(project)}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "main.py", "export-ledger", str(out)], cwd=project, env=env, stdout=subprocess.DEVNULL
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def build(url: str, declarations: int, quarantines: int) -> None:
    """The schema, the demo town and bench/dashboard.py's rows, in this (child) process."""
    from bench.dashboard import build as rows
    from bot.startup import prepare_database
    from town.settings import Settings

    settings = Settings(_env_file=None, database_url=url, spool_dir=Path(tempfile.mkdtemp()), wechat_app_id="")
    db = prepare_database(settings)
    rows(db, declarations, quarantines, random.Random(16))
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--declarations", type=int, default=100_000)
    parser.add_argument("--quarantines", type=int, default=10_000)
    parser.add_argument("--database-url", help="PostgreSQL server to make a scratch database on (default: SQLite)")
    parser.add_argument("--project", type=Path, action="append", help="checkout whose code exports (default: this)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--build-into", help=argparse.SUPPRESS)  # the child that builds the data
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "warning")
    if args.build_into:
        build(args.build_into, args.declarations, args.quarantines)
        return
    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.database_url, Path(tmp)) as url:
        started = time.perf_counter()
        sizes = ["--declarations", str(args.declarations), "--quarantines", str(args.quarantines)]
        subprocess.run([sys.executable, __file__, "--build-into", url, *sizes], check=True, cwd=PROJECT)
        print(f"{args.declarations:,} declarations, {args.quarantines:,} quarantines on {url.split(':')[0]} "
              f"(built in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        print("| code | wall s | CPU s | peak RSS MiB | KiB written |")
        print("|---|---:|---:|---:|---:|")
        for _ in range(args.repeat):
            for project in args.project or [PROJECT]:
                out = Path(tmp) / "台账.xlsx"
                wall, cpu, rss, code = export(project.resolve(), url, out)
                size = out.stat().st_size / 1024 if code == 0 else 0
                print(f"| {project} | {wall:.1f} | {cpu:.1f} | {rss:.0f} | {size:,.0f} |", flush=True)
                out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
