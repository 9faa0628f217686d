"""Drills: the world fails in phases while villagers report fevers; afterwards every alert must end with a person.

Usage (from the project directory):
    .venv/bin/python bench/drills.py            # 35 fever reports over six failure phases
    .venv/bin/python bench/drills.py --quick    # 12 reports, for CI (tests/test_drills.py)

Each drill is a function `run(quick: bool) -> dict` whose result holds at least `alerts`, `lost` and `dup`; the
drill prints its own counts. The process exits non-zero when any drill lost an alert or sent one twice. To add a
drill, add one line to DRILLS. The database drill (bench/drill_database.py, PostgreSQL behind a proxy it cuts)
is the second.

The WeChat drill: the real app under uvicorn receives signed POSTs to /wechat from villagers of a village with a
doctor bound (each reports a fever); the real delivery worker sends through the fake WeChat API, which fails in
phases (503, -1, stalls past the read timeout, 40001 again and again, 45015, 43004) and then heals. Every fever
alert must end `sent` (or `delivered`), or as an open phone-call task (a person holding it); none may reach the
doctor twice. Bounded: a fixed number of worker passes per phase, the worker's clock skipped past every backoff.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

CUSTOM = "/cgi-bin/message/custom/send"
TEMPLATE = "/cgi-bin/message/template/send"
VILLAGE = "鸣皋村"
DOCTOR = ("drill-doc", "王大夫", "village_doctor", VILLAGE, "13900000001")
HEAD = ("drill-head", "刘支书", "village_cadre", VILLAGE, "13700001111")
TOP = ("drill-top", "赵书记", "town_command", VILLAGE, "13600002222")
READ_TIMEOUT_S = 0.4


def _faults(fake, phase: str) -> None:
    """Make the fake fail the way this phase says (until the next phase clears it)."""
    fake.clear_faults()
    if phase == "503":
        fake.down()
        return
    # Both of a cadre's channels fail: the doctor is reached by template first, customer service after it.
    for path in (TEMPLATE, CUSTOM):
        if phase == "stall":
            fake.slow(path, READ_TIMEOUT_S + 0.3, times=None)
        else:
            fake.fail(path, {"-1": -1, "40001": 40001, "45015": 45015, "43004": 43004}[phase])


PHASES = ("503", "-1", "stall", "40001", "45015", "43004")


class _Clock:
    """The worker's clock: real time plus the skips that make every backoff due at once."""

    def __init__(self):
        self.ahead = dt.timedelta()

    def __call__(self) -> dt.datetime:
        from models.db import utcnow

        return utcnow() + self.ahead


def wechat(quick: bool) -> dict:
    """35 (quick: 12) fever reports while the fake WeChat API fails in phases, then heals."""
    from bot.delivery import make_worker
    from tests.support.accounts import wechat_account
    from tests.support.fakewechat import FakeWeChat
    from tests.support.live import LiveServer
    from tests.support.people import bind, person
    from town.settings import Settings

    reports, passes = (12, 2) if quick else (35, 3)
    with tempfile.TemporaryDirectory(prefix="xiangan-drill-") as tmp:
        base = {
            "database_url": f"sqlite:///{Path(tmp) / 'drill.db'}",
            "spool_dir": Path(tmp) / "spool",
            "outbox_worker": False,
            "jobs_every_s": 0,
            "scheduler": False,
            "_env_file": None,
        }
        server = LiveServer(Settings(**base)).start()
        fake = FakeWeChat(templates=("tpl-notice",)).start()
        logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)  # stalled requests end disconnected, loudly
        clock = _Clock()
        account = wechat_account(
            lambda **o: Settings(**{**base, **o}), fake, wechat_template_ids="*=tpl-notice",
            wechat_read_timeout_s=READ_TIMEOUT_S, wechat_max_attempts=2,
        )  # fmt: skip
        worker = make_worker(account, server.state.db, clock)
        try:
            db = server.state.db
            bind(db, DOCTOR, HEAD, TOP)
            for openid, *_ in (DOCTOR, HEAD, TOP):
                server.client(openid).say("帮助")
                fake.user_wrote(openid)
            names = [f"村民{n:02d}" for n in range(1, reports + 1)]
            from models.db import transaction

            with transaction(db) as session:
                for n, name in enumerate(names, start=1):
                    person(session, f"drill-v{n:02d}", name, f"1380000{n:04d}", VILLAGE)
            started = time.monotonic()
            for i, phase in enumerate(PHASES):
                _faults(fake, phase)
                for n in range(i, reports, len(PHASES)):
                    server.client(f"drill-v{n + 1:02d}").say("我发烧38度5，嗓子疼")
                for _ in range(passes):
                    worker.run_once()
                    clock.ahead += dt.timedelta(minutes=11)
                fake.up()
            fake.clear_faults()
            for _ in range(12):  # healed: everything due goes out, bounded
                clock.ahead += dt.timedelta(minutes=11)
                if not worker.run_once() and not _due(db, clock()):
                    break
            time.sleep(READ_TIMEOUT_S + 0.5)  # a stalled send the fake finishes late is counted too
            result = _count(db, fake, names)
            result["seconds"] = round(time.monotonic() - started, 1)
            return result
        finally:
            worker.close()
            fake.stop()
            server.stop()


def _due(db, now: dt.datetime) -> bool:
    from models.outbox import due_count
    from models.sql import Sql

    with db.begin() as connection:
        return due_count(Sql(connection), now=now) > 0


def _count(db, fake, names: list[str]) -> dict:
    """Every fever alert: sent, an open call task (followed up the chain), or lost; and any sent twice."""
    from models.calls import open_task_for
    from models.outbox import messages_like
    from models.sql import Sql

    with db.begin() as connection:
        sql = Sql(connection)
        alerts = messages_like(sql, key="fever:%")
        calls = {row[0]: open_task_for(sql, outbox_id=row[0]) for row in alerts}
    sent = sum(1 for row in alerts if row[2] in ("sent", "delivered"))
    on_call = sum(1 for row in alerts if row[2] not in ("sent", "delivered") and calls[row[0]] is not None)
    to_doctor = [d.text for d in fake.messages_to(DOCTOR[0])]
    dup = sum(1 for name in names if sum(name in text for text in to_doctor) > 1)
    return {
        "reports": len(names),
        "alerts": len(alerts),
        "sent": sent,
        "open_calls": on_call,
        "lost": len(alerts) - sent - on_call + max(0, len(names) - len(alerts)),
        "dup": dup,
    }


def database(quick: bool) -> dict:
    """The database drill (bench/drill_database.py), its counts read as lost and sent twice."""
    import drill_database

    counts = drill_database.run(quick)
    expected = counts["expected"]
    return {**counts, "lost": max(0, expected - counts["alerts"]), "dup": max(0, counts["alerts"] - expected)}


# (name, run(quick) -> dict); one line per drill.
DRILLS = (("wechat", wechat), ("database", database))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer reports, for CI")
    parser.add_argument("--only", choices=[name for name, _ in DRILLS], help="run one drill")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    failed = False
    for name, run in DRILLS:
        if args.only and name != args.only:
            continue
        result = run(args.quick)
        counts = ", ".join(f"{key} {value}" for key, value in result.items())
        print(f"drill {name}: {counts}")
        print(f"drill {name}: lost {result['lost']}, sent twice {result['dup']}")
        failed |= result["lost"] > 0 or result["dup"] > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
