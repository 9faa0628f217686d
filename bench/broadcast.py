"""Broadcast benchmark: plan and enqueue one announcement to 100,000 villagers vs a bare INSERT ... SELECT.

Usage (from the project directory):
    .venv/bin/python bench/broadcast.py              # 100,000 villagers
    .venv/bin/python bench/broadcast.py --quick      # 20,000 villagers
    .venv/bin/python bench/broadcast.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

A fresh database (SQLite file in a temporary directory, or a temporary PostgreSQL database created and dropped)
gets the demo town and N villagers spread over its 39 villages: a third wrote within 48 hours (customer-service
messages), the rest did not (mass send by openid list); 1% opted out. (a) the baseline: one bare
`INSERT INTO outbox_message ... SELECT` of the same number of rows from `person`, no planning. (b) the real thing:
`announce(... to="all")` (plan, counts, unreachable names, every row, the run record) in one transaction. (c) the
daily risk-list push of a new list version (tests/fixtures' 8月5日 list) to the same villagers. All three are
timed in the same run on the same database, each into an empty outbox. Memory is this process's peak RSS growth
during (b). The last lines are `broadcast plan+enqueue ratio R`, R = (b) seconds / (a) seconds, and
`risk push ratio R`, R = (c) seconds / (a) seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))


from scratch import scratch_database  # noqa: E402

from broadcasts import risk_push  # noqa: E402
from broadcasts.announcements import announce  # noqa: E402
from models.db import make_engine, transaction, utcnow  # noqa: E402
from models.migrate import upgrade_database  # noqa: E402
from models.sql import Sql  # noqa: E402
from models.town import read_town_file, sync_town  # noqa: E402
from town.policy import load_policy  # noqa: E402
from town.reclassify import ingest  # noqa: E402
from town.riskareas import parse_content  # noqa: E402
from town.settings import Settings  # noqa: E402

RISK_LIST = PROJECT / "tests/fixtures/riskareas/2021-08-05-10.txt"

CHUNK = 10_000
BASELINE = (
    "INSERT INTO outbox_message (idempotency_key, recipient_openid, kind, text, payload, status, attempts,"
    " created_at, due_at) SELECT 'base:' || openid, openid, 'notice', :text, '{}', 'queued', 0, :now, :now"
    " FROM person WHERE announcements_opted_out = :no"
)


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def populate(db, settings: Settings, people: int) -> None:
    """The demo town and its villagers, inserted in chunks with executemany."""
    with transaction(db) as session:
        sync_town(session, read_town_file(settings.town_file))
    with db.begin() as connection:
        sql = Sql(connection)
        villages = [v for (v,) in sql.all("SELECT id FROM village ORDER BY id")]
        now, recent = utcnow(), utcnow() - dt.timedelta(hours=2)
        for start in range(0, people, CHUNK):
            sql.many(
                "INSERT INTO person (openid, name, village_id, subscribed, announcements_opted_out,"
                " risk_list_opted_out, last_inbound_at, cs_used, created_at) VALUES (:o, :n, :v, :yes, :out, :no,"
                " :last, 0, :now)",
                [
                    {
                        "o": f"bench-{i}",
                        "n": f"村民{i}",
                        "v": villages[i % len(villages)],
                        "yes": sql.flag(True),
                        "out": sql.flag(i % 100 == 0),
                        "no": sql.flag(False),
                        "last": sql.time(recent) if i % 3 == 0 else None,
                        "now": sql.time(now),
                    }
                    for i in range(start, min(people, start + CHUNK))
                ],
            )


def baseline(db) -> tuple[float, int]:
    start = time.perf_counter()
    with db.begin() as connection:
        sql = Sql(connection)
        rows = sql.run(BASELINE, text="【通知】基线", now=sql.time(utcnow()), no=sql.flag(False))
    return time.perf_counter() - start, rows


def real(db, settings: Settings) -> tuple[float, int, str]:
    start = time.perf_counter()
    with transaction(db) as session:
        _, plan = announce(session, settings, text="明天上午九点全员核酸，请带身份证。", to="all", now=utcnow())
    return time.perf_counter() - start, plan.enqueued, plan.describe()


def pushed(db, settings: Settings) -> tuple[float, int]:
    """A new list version imported (not timed), then the push to every follower (timed)."""
    content = parse_content(RISK_LIST.read_text(encoding="utf-8"), RISK_LIST.name)
    ingest(db, content, policy=load_policy(PROJECT / "data/policy.toml"), now=utcnow())
    start = time.perf_counter()
    rows = risk_push.push(db, utcnow(), settings)  # in chunks, each committed
    return time.perf_counter() - start, rows


def empty_outbox(db) -> None:
    with db.begin() as connection:
        Sql(connection).run("DELETE FROM outbox_message")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    people = 20_000 if args.quick else 100_000
    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.database_url, Path(tmp)) as url:
        run(url, people, Path(tmp))


def run(url: str, people: int, tmp: Path) -> None:
    settings = Settings(_env_file=None, database_url=url, spool_dir=tmp / "spool")
    db = make_engine(url)
    upgrade_database(db)
    populate(db, settings, people)
    print(f"{people} villagers on {db.dialect.name}")
    base_s, base_rows = baseline(db)
    print(f"(a) bare INSERT ... SELECT: {base_rows} rows in {base_s:.2f} s")
    empty_outbox(db)
    before = rss_mib()
    real_s, real_rows, plan = real(db, settings)
    grown = rss_mib() - before
    print(f"(b) plan + enqueue: {real_rows} rows in {real_s:.2f} s, peak RSS growth {grown:.1f} MiB")
    print(plan)
    empty_outbox(db)
    push_s, push_rows = pushed(db, settings)
    print(f"(c) risk-list push: {push_rows} rows in {push_s:.2f} s")
    print(f"broadcast plan+enqueue ratio {real_s / base_s:.2f}")
    print(f"risk push ratio {push_s / base_s:.2f}")
    db.dispose()


if __name__ == "__main__":
    main()
