"""The risk push and `announce --to all` alone, on a copy of a county template (issue 17), with each statement's time.

Usage (from the project directory, after `bench/county.py --people N --template --build-only`):
    .venv/bin/python bench/county_push.py --people 100000 [--trace]

Copies `xiangan_county_tpl_N`, imports the next list version (re-classification, not timed), checkpoints, then
times the `risk_push` job and `announce --to all` as `county.py` does; `--trace` prints the statements that took
longest (SQL run through models.sql). The copy is dropped afterwards.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from county import DEFAULT_URL, County  # noqa: E402
from sqlalchemy import text  # noqa: E402


def trace() -> dict[str, list]:
    """Time every statement run through models.sql; the totals by statement."""
    import models.sql as sql

    totals: dict[str, list] = defaultdict(lambda: [0, 0.0])
    for name in ("run", "one", "all", "many"):
        original = getattr(sql.Sql, name)

        def timed(self, statement, *args, _original=original, **kwargs):
            started = time.perf_counter()
            try:
                return _original(self, statement, *args, **kwargs)
            finally:
                total = totals[" ".join(statement.split())[:140]]
                total[0] += 1
                total[1] += time.perf_counter() - started

        setattr(sql.Sql, name, timed)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--trace", action="store_true", help="print the slowest statements")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        county = County(DEFAULT_URL, args.people, Path(tmp), random.Random(17))
        county.create(f"xiangan_county_tpl_{args.people}")
        try:
            run(county, trace() if args.trace else None)
        finally:
            county.drop()


def run(county: County, totals: dict[str, list] | None) -> None:
    from broadcasts import risk_push
    from broadcasts.scheduler import run_job
    from town.reclassify import ingest
    from town.riskareas import parse_file

    county.reuse()
    ingest(county.db, parse_file(county.folder / "v2.csv"), policy=county.policy, now=county.evening)
    with county.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CHECKPOINT"))
    if totals is not None:
        totals.clear()
    push = risk_push.job
    county.timed("risk_push job", lambda: f"{run_job(county.db, push, county.evening, county.settings)} queued")
    county.timed("announce --to all", county._announce)
    for statement, (n, seconds) in sorted((totals or {}).items(), key=lambda item: -item[1][1])[:12]:
        print(f"  {seconds:7.2f} s {n:5d}x  {statement}")


if __name__ == "__main__":
    main()
