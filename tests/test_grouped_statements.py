"""The brief and the care jobs send a bounded number of statements, however many villages and households have data."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import delete, event, select

from broadcasts import brief
from broadcasts.care import CARE_JOBS
from broadcasts.care import checkins as care_checkins
from broadcasts.scheduler import run_job
from models.brief import Brief
from models.db import transaction
from models.event import EventReport
from models.fever import FeverReport
from models.outbox import OutboxMessage
from models.quarantine import Quarantine
from models.question import PolicyQuestion
from models.supplies import SupplyRequest
from models.town import Village
from models.vaccination import Vaccination
from tests.support.care import bind as care_bind
from tests.support.care import isolate, local
from tests.support.database import empty_tables
from tests.support.people import bind, person
from tests.support.statements import counting
from tests.support.stats import HOUR, NOW, declare

AT = NOW.replace(hour=18, minute=0)
ROOM = 3  # statements a grouped job may add for more villages or households (none expected)


def _villages(db) -> list[tuple[int, str]]:
    with transaction(db) as session:
        return [tuple(row) for row in session.execute(select(Village.id, Village.name).order_by(Village.id))]


def _village_day(db, vid: int, name: str) -> None:
    """A bit of everything the brief counts, in one village, and its village cadre."""
    bind(db, (f"gs-cadre-{vid}", f"{name}支书", "village_cadre", name, None))
    with transaction(db) as session:
        for n, disposition in enumerate(("居家隔离", "无需隔离", "居家健康监测")):
            declare(session, name, f"{name}{n}", disposition)
        household = person(session, f"gs-home-{vid}")
        at = NOW - 3 * HOUR
        session.add(SupplyRequest(person_id=household, village_id=vid, text="要面", status="open", created_at=at))
        session.add(FeverReport(person_id=household, village_id=vid, text="发烧", created_at=at))
        session.add(
            EventReport(
                person_id=household, village_id=vid, kind="wedding", event_on=NOW.date() + dt.timedelta(days=vid),
                guests=20, place="家里", text="报备", created_at=at,
            )
        )  # fmt: skip
        session.add(
            Vaccination(person_id=household, village_id=vid, name="某人", age_group="18+", doses=2, created_at=at)
        )
        session.add(PolicyQuestion(person_id=household, village_id=vid, text="能赶集吗", status="open", created_at=at))


def _brief_statements(server) -> int:
    """Statements of one evening's briefs, written afresh."""
    db = server.state.db
    with transaction(db) as session:
        session.execute(delete(Brief))
        session.execute(delete(OutboxMessage).where(OutboxMessage.idempotency_key.like("brief:%")))
    with time_machine.travel(AT, tick=False), counting(db, this_thread=True) as seen, transaction(db) as session:
        assert brief.write_briefs(session, AT, server.settings) > 0
    return seen.count


def test_the_brief_reads_each_figure_once_for_all_villages(server):
    db = server.state.db
    bind(db, ("gs-command", "镇指挥部", "town_command", "鸣皋村", None))
    villages = _villages(db)
    for vid, name in villages[:2]:
        _village_day(db, vid, name)
    two = _brief_statements(server)
    for vid, name in villages[2:]:
        _village_day(db, vid, name)
    every = _brief_statements(server)
    assert len(villages) >= 18
    assert every <= two + ROOM, (two, every)


# Each care job at the first moment it has work, for households isolated on 8月6日 (tests/support/care.py).
CARE_RUNS = (
    ("checkin_remind", local(7, 8)),
    ("checkin_second", local(7, 12)),
    ("checkin_alert", local(7, 18)),
    ("sampling_eve", local(7, 19)),
    ("sampling_missed", local(8, 18)),
    ("care_end_notices", local(17, 9)),
    ("care_close", local(19, 9)),
)


def _care_statements(server, households: int) -> dict[str, int]:
    """Statements of each care job's first run of an occurrence, with this many households; then the rows go."""
    db, jobs = server.state.db, dict(CARE_JOBS)
    care_bind(db)
    for n in range(households):
        isolate(db, f"gs-home-{n}", f"张{n}", members=("李桂兰",) if n % 2 else ())
    counts = {}
    for name, moment in CARE_RUNS:
        with time_machine.travel(moment, tick=False), counting(db, this_thread=True) as seen:
            assert run_job(db, jobs[name], moment, server.settings) > 0, name  # its chunks or one transaction
        counts[name] = seen.count
        with time_machine.travel(moment, tick=False):
            assert run_job(db, jobs[name], moment, server.settings) == 0, name  # idempotent: nothing new again
    empty_tables(server.settings.database_url)
    return counts


def test_the_care_jobs_first_run_does_not_grow_with_households(server):
    few, many = _care_statements(server, 5), _care_statements(server, 50)
    assert all(few.values()), few  # counted in this thread: a live server's own statements would add noise
    assert {name: many[name] - few[name] for name in few} == dict.fromkeys(few, 0), (few, many)


def _supply_statements(server, households: int) -> int:
    """Statements of the supply job escalating this many late requests: half from isolated households (their four
    first), some accepted, in two villages; then the rows go."""
    db = server.state.db
    care_bind(db)
    isolated = [isolate(db, f"gs-iso-{n}", f"张{n}") for n in range(households // 2)]
    made, villages = AT - dt.timedelta(hours=30), [vid for vid, _ in _villages(db)[:2]]
    with transaction(db) as session:
        quarantines = dict(session.execute(select(Quarantine.declaration_id, Quarantine.id)).all())
        cadre = person(session, "cf-cadre")
        for n in range(households):
            home = person(session, f"gs-req-{n}")
            session.add(
                SupplyRequest(
                    person_id=home, village_id=villages[n % 2], text="要面", items='[{"name": "面"}]',
                    status="accepted" if n % 3 == 0 else "open", accepted_by_person_id=cadre if n % 3 == 0 else None,
                    quarantine_id=quarantines[isolated[n]] if n < len(isolated) else None, created_at=made,
                )
            )  # fmt: skip
    jobs = dict(CARE_JOBS)
    with time_machine.travel(AT, tick=False), counting(db, this_thread=True) as seen, transaction(db) as session:
        climbed = jobs["care_supplies"](session, AT, server.settings)
    assert climbed >= households // 2, climbed  # those with nobody further up stay where they are
    empty_tables(server.settings.database_url)
    return seen.count


def test_the_supply_escalation_does_not_grow_with_requests(server):
    assert _supply_statements(server, 4) == _supply_statements(server, 40)


def test_the_check_in_jobs_go_a_chunk_of_accounts_per_transaction(server, monkeypatch):
    monkeypatch.setattr(care_checkins, "CHUNK", 2)
    db, jobs = server.state.db, dict(CARE_JOBS)
    care_bind(db)
    for n in range(5):
        isolate(db, f"gs-chunk-{n}", f"张{n}")
    commits: list[str] = []

    def committed(_conn):
        commits.append("commit")

    event.listen(db, "commit", committed)
    for name, moment in CARE_RUNS[:3]:
        commits.clear()
        with time_machine.travel(moment, tick=False):
            assert run_job(db, jobs[name], moment, server.settings) >= 5, name  # every household
        assert len(commits) == 1 + 3, name  # the accounts read, then 5 accounts in chunks of 2
        with time_machine.travel(moment, tick=False):
            assert run_job(db, jobs[name], moment, server.settings) == 0, name
    with transaction(db) as session:
        keys = session.execute(select(OutboxMessage.idempotency_key)).scalars().all()
    for what in ("remind", "second"):
        assert len([key for key in keys if f":{what}:" in key]) == 5, (what, keys)
    event.remove(db, "commit", committed)
    empty_tables(server.settings.database_url)
