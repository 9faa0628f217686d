"""Daily check-in days: the cadres, a household in home isolation, fevers and messages sent, at frozen times."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import time_machine
from sqlalchemy import select

from models.cadre import CadreAssignment
from models.care import CareAssignment
from models.db import transaction
from models.declaration import Classification, Declaration, HouseholdMember
from models.fever import FeverReport
from models.outbox import OutboxMessage
from models.person import Person
from models.quarantine import Quarantine
from models.town import Village
from tests.support.live import SHANGHAI

AUG = 8
START, END = dt.date(2021, 8, 5), dt.date(2021, 8, 18)


# (openid, name, phone, role, village)
CADRES = (
    ("ci-doctor", "王村医", "13900001111", "village_doctor", "鸣皋村"),
    ("ci-cadre", "刘支书", "13700001111", "village_cadre", "鸣皋村"),
    ("ci-command", "镇指挥部小李", "13600001111", "town_command", "鸣皋村"),
)


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of August 2021 in Asia/Shanghai."""
    return dt.datetime(2021, AUG, day, hour, minute, tzinfo=SHANGHAI)


@contextmanager
def at(moment: dt.datetime):
    """Freeze the clock at `moment`, ticking on."""
    with time_machine.travel(moment, tick=True):
        yield


def person(session, openid: str, name: str | None = None, phone: str | None = None, village=None) -> int:
    """The person with this openid, created with the profile given when new."""
    found = session.execute(select(Person).where(Person.openid == openid)).scalar_one_or_none()
    if found is None:
        found = Person(openid=openid, name=name, phone=phone, village_id=village)
        session.add(found)
        session.flush()
    return found.id


def village_id(session, name: str = "鸣皋村") -> int:
    """The id of the village of this name."""
    return session.execute(select(Village.id).where(Village.name == name)).scalar_one()


def bind(server, cadres=CADRES) -> None:
    """Bind the cadres' roles, as 「绑定 CODE」 leaves them."""
    with transaction(server.state.db) as session:
        for openid, name, phone, role, village in cadres:
            pid = person(session, openid, name, phone, village_id(session, village))
            session.add(
                CadreAssignment(
                    person_id=pid, role=role, village_id=village_id(session, village), created_at=local(1, 9)
                )
            )


def household(
    server,
    openid: str,
    name: str,
    members: tuple[str, ...] = (),
    *,
    kind: str = "居家隔离",
    start: dt.date = START,
    end: dt.date = END,
    home_start: dt.date | None = None,
    created: dt.datetime | None = None,
    status: str = "active",
    care: tuple = (),
    village_name: str = "鸣皋村",
) -> int:
    """A declaration with its household members and an active quarantine, as 返乡报备 leaves them; its id."""
    created = created or local(start.day, 9)
    with transaction(server.state.db) as session:
        village = village_id(session, village_name)
        account = person(session, openid, name, "13812345678", village)
        declaration = Declaration(
            person_id=account,
            village_id=village,
            name=name,
            phone="13812345678",
            arrived_on=start,
            health_code="green",
            active_until=end,
            created_at=created,
        )
        session.add(declaration)
        session.flush()
        for member in members:  # 李秀英, or 李秀英/妻子 with the relation the declaration recorded
            member_name, _, relation = member.partition("/")
            session.add(HouseholdMember(declaration_id=declaration.id, name=member_name, relation=relation or None))
        classification = Classification(
            declaration_id=declaration.id,
            rule_id="test",
            policy_version="test",
            disposition=kind,
            start_on=start,
            end_on=end,
            reason="测试",
            created_at=created,
        )
        session.add(classification)
        session.flush()
        quarantine = Quarantine(
            declaration_id=declaration.id,
            classification_id=classification.id,
            person_id=account,
            village_id=village,
            kind=kind,
            start_on=start,
            end_on=end,
            home_start_on=home_start,
            status=status,
            created_at=created,
        )
        session.add(quarantine)
        session.flush()
        for care_openid, care_name, care_phone, role in care:
            pid = person(session, care_openid, care_name, care_phone, village)
            session.add(CareAssignment(quarantine_id=quarantine.id, role=role, person_id=pid, assigned_at=created))
        return quarantine.id


def sent(server, *, prefix: str = "", kind: str | None = None) -> list[tuple[str, str, str]]:
    """(key, recipient, text) of outbox rows, oldest first."""
    with transaction(server.state.db) as session:
        rows = session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        return [
            (r.idempotency_key, r.recipient_openid, r.text)
            for r in rows
            if r.idempotency_key.startswith(prefix) and (kind is None or r.kind == kind)
        ]


def fevers(server) -> list[FeverReport]:
    """Every fever report, oldest first."""
    with transaction(server.state.db) as session:
        return session.execute(select(FeverReport).order_by(FeverReport.id)).scalars().all()
