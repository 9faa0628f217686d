"""四包一: the village roster, isolations opened through apply_quarantine, sampling rounds and the outbox."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from models.cadre import CadreAssignment
from models.care import SamplingRound
from models.db import transaction
from models.declaration import Classification, Declaration, HouseholdMember
from models.outbox import OutboxMessage
from models.person import Person
from models.quarantine import Quarantine
from models.town import Village
from tests.support.live import SHANGHAI
from town import clock
from town.care import apply_quarantine

START, END = dt.date(2021, 8, 5), dt.date(2021, 8, 18)
SAMPLES = ("2021-08-05", "2021-08-08", "2021-08-11", "2021-08-18")


# The village roster: (openid, name, phone, role, village).
ROSTER = (
    ("cf-township", "张包村", "13900000001", "township_cadre", "鸣皋村"),
    ("cf-cadre", "刘支书", "13900000002", "village_cadre", "鸣皋村"),
    ("cf-doctor", "王村医", "13900000003", "village_doctor", "鸣皋村"),
    ("cf-grid", "赵网格", "13900000004", "grid_worker", "鸣皋村"),
    ("cf-lead", "一区李主任", "13900000005", "work_area_lead", "张村"),
    ("cf-command", "镇指挥部小周", "13900000006", "town_command", "鸣皋村"),
)


def local(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A moment of August 2021 in the town's time."""
    return dt.datetime(2021, 8, day, hour, minute, tzinfo=SHANGHAI)


def village_id(session, name: str = "鸣皋村") -> int:
    """The id of the village of this name."""
    return session.execute(select(Village.id).where(Village.name == name)).scalar_one()


def person(session, openid: str, name: str | None = None, phone: str | None = None) -> int:
    """The person with this openid, created without a village when new."""
    found = session.execute(select(Person).where(Person.openid == openid)).scalar_one_or_none()
    if found is None:
        found = Person(openid=openid, name=name, phone=phone)
        session.add(found)
        session.flush()
    return found.id


def bind(db, roster=ROSTER) -> None:
    """Bind the roster's roles, as 「绑定 CODE」 leaves them."""
    with transaction(db) as session:
        for openid, name, phone, role, village in roster:
            session.add(
                CadreAssignment(
                    person_id=person(session, openid, name, phone), role=role,
                    village_id=village_id(session, village), created_at=local(1, 9),
                )
            )  # fmt: skip


def isolate(
    db, openid: str, name: str, *, members=(), kind="居家隔离", start=START, end=END, samples=SAMPLES,
    village="鸣皋村", now=None, by: str | None = None, home_start=None,
) -> int:  # fmt: skip
    """A declaration classified `kind`, its quarantine opened through apply_quarantine; the declaration's id."""
    now = now or local(6, 10)
    with transaction(db) as session:
        account = person(session, by or openid, None if by else name)
        declaration = Declaration(
            person_id=account, declared_by_person_id=account if by else None, relation="孩子" if by else None,
            village_id=village_id(session, village), name=name, phone="13812345678", arrived_on=start,
            health_code="green", active_until=end, created_at=now,
        )  # fmt: skip
        session.add(declaration)
        session.flush()
        for member in members:
            session.add(HouseholdMember(declaration_id=declaration.id, name=member, relation=None))
        reclassify(session, declaration, kind, start=start, end=end, samples=samples, now=now, home_start=home_start)
        return declaration.id


def reclassify(session, declaration, kind, *, start=START, end=END, samples=SAMPLES, now, home_start=None):
    """A new classification in force, and the quarantine following it (as every caller does)."""
    for old in session.execute(select(Classification).where(Classification.declaration_id == declaration.id)):
        old[0].status = "superseded"
    session.flush()
    row = Classification(
        declaration_id=declaration.id, rule_id="test", policy_version="test", disposition=kind, start_on=start,
        end_on=end if kind != "无需隔离" else None, sampling_dates=json.dumps(list(samples)), reason="测试",
        created_at=now,
    )  # fmt: skip
    session.add(row)
    session.flush()
    with clock.handling(now):  # as the message or the import that classified would
        return apply_quarantine(session, declaration=declaration, classification=row, now=now, home_start_on=home_start)


def change(db, declaration_id: int, kind: str, *, now, **dates):
    """Re-classify a declaration as `kind` (its quarantine follows), as a cadre's decision does."""
    with transaction(db) as session:
        declaration = session.get(Declaration, declaration_id)
        return reclassify(session, declaration, kind, now=now, **dates)


def outbox(db, *, prefix: str = "") -> dict[str, list[str]]:
    """Texts queued per recipient, oldest first (only keys starting with prefix)."""
    with transaction(db) as session:
        rows = session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
    found: dict[str, list[str]] = {}
    for row in rows:
        if row.idempotency_key.startswith(prefix):
            found.setdefault(row.recipient_openid, []).append(row.text)
    return found


def rounds(db, declaration_id: int) -> list[tuple[dt.date, str]]:
    """The active quarantine's rounds: (day, status)."""
    with transaction(db) as session:
        rows = session.execute(
            select(SamplingRound.day, SamplingRound.status)
            .join(Quarantine, Quarantine.id == SamplingRound.quarantine_id)
            .where(Quarantine.declaration_id == declaration_id, Quarantine.status == "active")
            .order_by(SamplingRound.day)
        )
        return [tuple(row) for row in rows]


def quarantine_of(db, declaration_id: int) -> Quarantine:
    """The declaration's quarantine."""
    with transaction(db) as session:
        return (
            session.execute(
                select(Quarantine).where(Quarantine.declaration_id == declaration_id).order_by(Quarantine.id.desc())
            )
            .scalars()
            .first()
        )
