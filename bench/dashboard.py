"""Dashboard benchmark (issue 16): the ledger's filtered pages and the person page, server time, against a bare SELECT.

Usage (from the project directory):
    .venv/bin/python bench/dashboard.py                                   # SQLite, 100,000 declarations
    .venv/bin/python bench/dashboard.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/dashboard.py --declarations 1000 --quarantines 100 --requests 5   # a quick look

A scratch database of the demo town gets N villagers who declared a return (arrived over the last 30 days, each
classified), Q households of them under a measure with four sampling rounds, and 20 messages in and out for the
person whose page is timed; rows are inserted in bulk (executemany of 10,000). The app runs in-process
(Starlette's TestClient, the real routes, the town admin signed in); each page is fetched --requests times and its
p50 and p95 are printed beside the p95 of a bare SELECT of the same page (the model's page query on a plain
connection, no count, no rendering) in the same run, and their ratio. Goal: p95 < 300 ms for each page.

TODO(dash-today): the Today page (/admin/) is timed when it answers 200; while it is a stub it is listed as such.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.scratch import scratch_database  # noqa: E402

USERNAME, PASSWORD = "bench-clerk", "bench-password-1"
MEASURES = ("居家隔离", "集中隔离", "居家健康监测", "无需隔离")
CHUNK = 10_000
GOAL_MS = 300
STUB = '<h1 id="heading">'  # the skeleton's placeholder page


def build(db, declarations: int, quarantines: int, rng: random.Random) -> dict:
    """The rows, in bulk; what the timed pages ask for (a village, a person)."""
    from sqlalchemy import select, text

    from models.sql import Sql
    from models.town import Village

    now = dt.datetime.now(dt.UTC)
    today = now.date()
    with db.begin() as conn:
        villages = [row[0] for row in conn.execute(select(Village.id).order_by(Village.id))]
        people, decls, classes, measures = [], [], [], []
        every = max(1, declarations // max(quarantines, 1))
        for i in range(1, declarations + 1):
            village = villages[i % len(villages)]
            arrived = today - dt.timedelta(days=rng.randint(0, 29))
            people.append({"id": i, "openid": f"bench-{i}", "name": f"村民{i}", "phone": f"139{i:08d}",
                           "village_id": village, "subscribed": True, "announcements_opted_out": False,
                           "risk_list_opted_out": False, "cs_used": 0, "created_at": now})  # fmt: skip
            decls.append({"id": i, "person_id": i, "village_id": village, "name": f"返乡{i}", "phone": f"139{i:08d}",
                          "arrived_on": arrived, "health_code": "green", "active_until": arrived + dt.timedelta(14),
                          "created_at": now, "origin_province": "河南省", "origin_city": "郑州市",
                          "origin_district": "二七区", "abroad": False})  # fmt: skip
            isolated = i % every == 0 and i // every <= quarantines  # spread over the ids, as over time
            measure = MEASURES[0] if isolated else rng.choice(MEASURES[1:])
            classes.append({"id": i, "declaration_id": i, "status": "current", "source": "declared", "rule_id": "b",
                            "policy_version": "bench", "disposition": measure, "days": 14, "start_on": arrived,
                            "end_on": arrived + dt.timedelta(days=14), "sampling_dates": "[]", "alert": False,
                            "reason": "bench", "created_at": now})  # fmt: skip
            if isolated:
                days = [arrived + dt.timedelta(days=d) for d in (0, 3, 7, 13)]
                measures.append({"id": i, "declaration_id": i, "classification_id": i, "person_id": i,
                                 "village_id": village, "kind": measure, "start_on": arrived,
                                 "end_on": arrived + dt.timedelta(days=14), "status": "active", "created_at": now,
                                 "sampling_dates": json.dumps([d.isoformat() for d in days])})  # fmt: skip
        rounds = [
            {"quarantine_id": m["id"], "day": dt.date.fromisoformat(day), "status": "done" if n < 2 else "due"}
            for m in measures
            for n, day in enumerate(json.loads(m["sampling_dates"]))
        ]
        sql = Sql(conn)
        for table, rows in (("person", people), ("declaration", decls), ("classification", classes),
                            ("quarantine", measures), ("sampling_round", rounds)):  # fmt: skip
            for start in range(0, len(rows), CHUNK):
                bulk(sql, table, rows[start : start + CHUNK])
        chat = [{"openid": "bench-1", "dedupe_key": f"m{n}", "msg_type": "text", "text": f"第{n}条", "raw": "<xml/>",
                 "received_at": now - dt.timedelta(minutes=n), "status": "handled", "reply": "收到",
                 "answered_in_time": True} for n in range(20)]  # fmt: skip
        sent = [{"idempotency_key": f"bench-o{n}", "recipient_openid": "bench-1", "kind": "alert", "text": f"提醒{n}",
                 "payload": "{}", "status": "delivered", "channel": "custom", "attempts": 1,
                 "created_at": now - dt.timedelta(minutes=n), "due_at": now}
                for n in range(20)]  # fmt: skip
        bulk(sql, "inbound_message", chat)
        bulk(sql, "outbox_message", sent)
        if db.dialect.name == "postgresql":
            for name in ("person", "declaration", "classification", "quarantine"):
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
                )
            conn.execute(text("ANALYZE"))
    return {"village": villages[1], "first": (today - dt.timedelta(days=13)).isoformat(), "last": today.isoformat()}


def bulk(sql, table: str, rows: list[dict]) -> None:
    """One executemany on the driver's cursor, values as the columns store them (SQLAlchemy's per-value processing
    costs more than the insert itself)."""
    if not rows:
        return
    columns = list(rows[0])
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
    sql.many(statement, [{c: _stored(sql, row[c]) for c in columns} for row in rows])


def _stored(sql, value):
    if isinstance(value, dt.datetime):
        return sql.time(value)
    if isinstance(value, dt.date) and sql.sqlite:
        return value.isoformat()
    if isinstance(value, bool):
        return sql.flag(value)
    return value


def pages(asked: dict) -> list[tuple[str, str, dict, str | None]]:
    """(name, path, parameters, ledger kind whose bare page is the baseline) of each page timed."""
    return [
        ("returnees, 居家隔离, 14 days", "/admin/ledgers/returnees",
         {"state": "home", "first": asked["first"], "last": asked["last"]}, "returnees"),
        ("returnees, one village", "/admin/ledgers/returnees", {"village": asked["village"]}, "returnees"),
        ("quarantines, sampling due", "/admin/ledgers/quarantines", {"state": "sampling_due"}, "quarantines"),
        ("returnees, name search", "/admin/ledgers/returnees", {"q": "返乡777"}, "returnees"),
        ("person page", "/admin/people/1", {}, None),
        ("Today", "/admin/", {}, None),
    ]  # fmt: skip


def bare_page(db, kind: str, params: dict, today: dt.date) -> float:
    """Seconds of the page's SELECT alone (no count, no rendering), on a plain connection."""
    from models.ledger_pages import LEDGERS, PAGE_SIZE, LedgerQuery, _conditions

    ledger = LEDGERS[kind]
    query = LedgerQuery(
        village=int(params["village"]) if "village" in params else None,
        first=dt.date.fromisoformat(params["first"]) if "first" in params else None,
        last=dt.date.fromisoformat(params["last"]) if "last" in params else None,
        state=params.get("state"), search=params.get("q"), today=today,
    )  # fmt: skip
    statement = ledger.select().where(*_conditions(ledger, None, query)).order_by(ledger.id.desc()).limit(PAGE_SIZE + 1)
    with db.connect() as conn:
        started = time.perf_counter()
        conn.execute(statement).all()
        return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def sign_in(client) -> None:
    """The sign-in form as a browser posts it."""
    import re

    form = client.get("/admin/signin")
    token = re.search(r'name="csrf_token" value="([^"]*)"', form.text)[1]
    response = client.post("/admin/signin", data={"csrf_token": token, "username": USERNAME, "password": PASSWORD,
                                                   "next": "/admin/ledgers"}, follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text[:300]


def run(url: str, declarations: int, quarantines: int, requests: int, tmp: Path) -> int:
    os.environ.setdefault("LOG_LEVEL", "warning")
    from fastapi.testclient import TestClient

    from bot.startup import prepare_database
    from main import create_app
    from town.settings import Settings

    settings = Settings(
        _env_file=None, database_url=url, spool_dir=tmp / "spool", scheduler=False, outbox_worker=False,
        jobs_every_s=0, admin_username=USERNAME, admin_password=PASSWORD, wechat_app_id="",
    )  # fmt: skip
    db = prepare_database(settings)  # the schema and the town, as the app's start-up makes them
    started = time.perf_counter()
    asked = build(db, declarations, quarantines, random.Random(16))
    print(f"{declarations:,} declarations, {quarantines:,} quarantines on {db.dialect.name} "
          f"(built in {time.perf_counter() - started:.1f} s); {requests} requests per page")  # fmt: skip
    slow = 0
    with TestClient(create_app(settings)) as client:
        sign_in(client)
        today = dt.date.today()
        print(f"| page | p50 ms | p95 ms | bare SELECT p95 ms | ratio | goal p95 < {GOAL_MS} ms |")
        print("|---|---:|---:|---:|---:|---|")
        for name, path, params, kind in pages(asked):
            first = client.get(path, params=params)  # warm: templates compiled, statements cached
            if first.status_code != 200:
                print(f"| {name} | - | - | - | - | not timed: answers {first.status_code} |")
                continue
            if STUB in first.text:
                name += " (stub: TODO time it once dash-today's page is merged)"
            times = []
            for _ in range(requests):
                begun = time.perf_counter()
                response = client.get(path, params=params)
                times.append(time.perf_counter() - begun)
                assert response.status_code == 200, (path, response.status_code)
            bare = [bare_page(db, kind, params, today) for _ in range(requests)] if kind else []
            p95 = percentile(times, 0.95) * 1000
            base = percentile(bare, 0.95) * 1000 if bare else None
            ok = p95 < GOAL_MS
            slow += not ok
            print(f"| {name} | {statistics.median(times) * 1000:.1f} | {p95:.1f} | "
                  f"{f'{base:.1f}' if base else '-'} | {f'x{p95 / base:.1f}' if base else '-'} | "
                  f"{'yes' if ok else 'NO'} |")  # fmt: skip
        db.dispose()
    return slow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--declarations", type=int, default=100_000)
    parser.add_argument("--quarantines", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database-url", help="PostgreSQL server to make a scratch database on (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.database_url, Path(tmp)) as url:
        slow = run(url, args.declarations, args.quarantines, args.requests, Path(tmp))
    print(f"pages over {GOAL_MS} ms at p95: {slow}")


if __name__ == "__main__":
    main()
