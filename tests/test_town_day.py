"""A town's day run by the scheduler's own job list: morning reminders, an urgent notice, the list, the brief."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from broadcasts.announcements import announce
from broadcasts.jobs import schedule
from broadcasts.scheduler import run_job
from broadcasts.scheduler.triggers import Daily
from models.db import transaction
from models.outbox import OutboxMessage
from tests.support.announcements import person
from tests.support.care import bind, local
from tests.support.isolation import HOME, Town, declare
from tests.support.isolation import town as town  # noqa: F401  (the fixture)
from tests.support.live import SHANGHAI

CHECKPOINT = ("td-gate", "西口卡点老赵", "13900000009", "checkpoint", "鸣皋村")


def tick(town: Town, at: dt.datetime) -> dict[str, list[str]]:
    """Every scheduled job fires once at this moment, as the scheduler would; what each person received."""
    # Test servers leave the jobs to the tests (JOBS_EVERY_S=0); serve's default runs them every minute.
    settings = town.server.settings.model_copy(update={"jobs_every_s": 60})
    local_time = at.astimezone(SHANGHAI).time()
    for _id, trigger, job, _class in schedule(settings):
        if isinstance(trigger, Daily) and local_time not in trigger.times:
            continue
        run_job(town.db, job, at, settings)
    return town.new()


def test_a_towns_day_runs_by_itself(town):
    bind(town.db, (CHECKPOINT,))
    person(town.server, "td-villager", "孙村")  # a follower who wrote an hour ago (real time: inside the window)
    declare(town)
    town.new()

    morning = tick(town, local(6, 8, 0))
    assert any(t.startswith("早上好") for t in morning[HOME])

    with transaction(town.db) as session:
        _, plan = announce(session, town.server.settings, text="今晚8点全村停电检修。", to="all", now=local(6, 10, 0))
    assert plan.total >= 3
    urgent = town.new()
    assert any("今晚8点全村停电检修" in t for t in urgent["td-villager"])
    assert any(t.startswith("【大喇叭】") for t in urgent["cf-cadre"])

    assert not any("中高风险地区名单" in t for texts in tick(town, local(6, 14, 59)).values() for t in texts)
    afternoon = tick(town, local(6, 15, 0))
    assert any("中高风险地区名单" in t for t in afternoon["td-gate"])

    evening = tick(town, local(6, 18, 0))
    assert any(t.startswith("【调度简报】鸣皋村8月6日") for t in evening["cf-cadre"])
    assert any(t.startswith("【调度简报】") for t in evening["cf-command"])
    assert any("卡点" in t and "8月6日" in t and "调度简报" not in t for t in evening["cf-command"])
    assert not tick(town, local(6, 18, 1))  # a minute later nothing is sent twice

    with transaction(town.db) as session:
        keys = session.execute(select(OutboxMessage.idempotency_key)).scalars().all()
    assert len(keys) == len(set(keys))
