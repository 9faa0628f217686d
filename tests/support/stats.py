"""The 统计 day: declarations, supplies, events and fevers of one town day, written straight into the database."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from models.care import CheckIn
from models.db import transaction
from models.declaration import Classification, Declaration
from models.event import EventReport
from models.fever import FeverReport
from models.quarantine import Quarantine
from models.question import PolicyQuestion
from models.supplies import SupplyRequest
from models.vaccination import Vaccination
from tests.support.live import SHANGHAI
from tests.support.people import bind, person, village_id

NOW = dt.datetime(2021, 8, 6, 18, 30, tzinfo=SHANGHAI)


TODAY = NOW.date()


HOUR = dt.timedelta(hours=1)


def declare(session, village: str, name: str, disposition: str, *, at: dt.datetime = NOW, quarantine: str = "active"):
    """A declaration with its current classification and, for a measure, its quarantine; the quarantine's id."""
    pid = person(session, f"st-{name}", name)
    declaration = Declaration(
        person_id=pid,
        village_id=village_id(session, village),
        name=name,
        phone="13812345678",
        arrived_on=TODAY - dt.timedelta(days=2),
        health_code="green",
        active_until=TODAY + dt.timedelta(days=12),
        created_at=at,
    )
    session.add(declaration)
    session.flush()
    row = Classification(
        declaration_id=declaration.id,
        rule_id="test",
        policy_version="test",
        disposition=disposition,
        start_on=declaration.arrived_on,
        reason="测试",
        created_at=at,
    )
    session.add(row)
    session.flush()
    if disposition == "无需隔离":
        return None
    record = Quarantine(
        declaration_id=declaration.id,
        classification_id=row.id,
        person_id=pid,
        village_id=declaration.village_id,
        kind=disposition,
        start_on=TODAY - dt.timedelta(days=2),
        end_on=TODAY + dt.timedelta(days=11),
        status=quarantine,
        created_at=at,
    )
    session.add(record)
    session.flush()
    return record.id


def supply(session, village: str, status: str, made: dt.datetime) -> None:
    """A supply request of this village, in this status, made at `made`."""
    session.add(
        SupplyRequest(
            person_id=person(session, "st-household"),
            village_id=village_id(session, village),
            text="要两袋面",
            status=status,
            created_at=made,
        )
    )


def event(session, village: str, kind: str, on: dt.date | None, guests: int | None = None) -> None:
    """A 红白事 report of this village (`on` None: the day is not set)."""
    session.add(
        EventReport(
            person_id=person(session, "st-household"),
            village_id=village_id(session, village),
            kind=kind,
            event_on=on,
            guests=guests,
            place="家里",
            text="报备",
            created_at=NOW - HOUR,
        )
    )


@pytest.fixture
def town(server):
    """鸣皋村 with a day of everything, 孙村 (same work area) and 徐阳村 (another) with a little; cadres."""
    db = server.state.db
    bind(
        db,
        ("st-cadre", "刘支书", "village_cadre", "鸣皋村", None),
        ("st-doctor", "王村医", "village_doctor", "孙村", None),
        ("st-lead", "一区赵主任", "work_area_lead", "张村", None),
        ("st-command", "镇指挥部小李", "town_command", "鸣皋村", None),
    )
    with transaction(db) as session:
        checked = declare(session, "鸣皋村", "张一", "居家隔离")
        declare(session, "鸣皋村", "张二", "居家隔离")
        declare(session, "鸣皋村", "张三", "无需隔离")
        declare(session, "鸣皋村", "张四", "集中隔离", at=NOW - dt.timedelta(days=1))
        declare(session, "鸣皋村", "张五", "居家健康监测", at=NOW - dt.timedelta(days=1), quarantine="ended")
        declare(session, "孙村", "孙一", "居家健康监测")
        declare(session, "徐阳村", "徐一", "居家隔离")
        session.add(
            CheckIn(quarantine_id=checked, person_id=person(session, "st-张一"), day=TODAY, text="36.5", created_at=NOW)
        )
        supply(session, "鸣皋村", "open", NOW - 3 * HOUR)  # not accepted within 2 h: late
        supply(session, "鸣皋村", "open", NOW - HOUR / 2)
        supply(session, "鸣皋村", "accepted", NOW - 25 * HOUR)  # not delivered within 24 h: late
        supply(session, "鸣皋村", "delivered", NOW - 5 * HOUR)
        supply(session, "徐阳村", "open", NOW - 5 * HOUR)
        fevers = (
            ("鸣皋村", NOW - HOUR, None),
            ("鸣皋村", NOW - 20 * HOUR, None),
            ("鸣皋村", NOW - 22 * HOUR, NOW - 21 * HOUR),  # the doctor answered 已联系: not open
            ("孙村", NOW - 2 * HOUR, None),
        )
        for village, at, closed in fevers:
            session.add(
                FeverReport(
                    person_id=person(session, "st-household"),
                    village_id=village_id(session, village),
                    text="发烧",
                    created_at=at,
                    closed_at=closed,
                )
            )
        event(session, "鸣皋村", "funeral", dt.date(2021, 8, 8), 15)
        event(session, "鸣皋村", "wedding", dt.date(2021, 8, 20), 60)
        event(session, "鸣皋村", "other", None)
        event(session, "鸣皋村", "wedding", dt.date(2021, 8, 1))
        for village, group, doses in (
            ("鸣皋村", "18+", 2),
            ("鸣皋村", "18+", 0),
            ("鸣皋村", "12-17", 1),
            ("孙村", "18+", 2),
        ):
            session.add(
                Vaccination(
                    person_id=person(session, "st-household"),
                    village_id=village_id(session, village),
                    name="某人",
                    age_group=group,
                    doses=doses,
                    created_at=NOW,
                )
            )
        for status in ("open", "answered"):
            session.add(
                PolicyQuestion(
                    person_id=person(session, "st-household"),
                    village_id=village_id(session, "鸣皋村"),
                    text="能卖猪吗",
                    status=status,
                    created_at=NOW,
                )
            )
    with time_machine.travel(NOW, tick=True):
        yield server
