"""People and cadres written straight into the database, and what the outbox holds for one of them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from models.cadre import CadreAssignment
from models.db import transaction
from models.outbox import OutboxMessage
from models.outbox_body import with_bodies
from models.person import Person
from models.town import Village
from tests.support.live import SHANGHAI

TODAY = dt.datetime(2021, 8, 6, 10, 0, tzinfo=SHANGHAI)  # a Friday


def village_id(session, name: str) -> int:
    """The id of the village of this name."""
    return session.execute(select(Village.id).where(Village.name == name)).scalar_one()


def person(session, openid: str, name: str | None = None, phone: str | None = None, village: str | None = None) -> int:
    """The person with this openid, created with the profile given."""
    found = session.execute(select(Person).where(Person.openid == openid)).scalar_one_or_none()
    if found is None:
        found = Person(
            openid=openid, name=name, phone=phone, village_id=village_id(session, village) if village else None
        )
        session.add(found)
        session.flush()
    return found.id


def bind(db, *people: tuple[str, str, str, str, str | None]) -> None:
    """Bind (openid, name, role, village, phone) as cadres, directly in the database."""
    with transaction(db) as session:
        for openid, name, role, village, phone in people:
            pid = person(session, openid, name, phone, village)
            session.add(
                CadreAssignment(person_id=pid, role=role, village_id=village_id(session, village), created_at=TODAY)
            )


def outbox(server, openid: str) -> list[OutboxMessage]:
    """The messages queued for this openid, oldest first."""
    with transaction(server.state.db) as session:
        rows = session.execute(
            select(OutboxMessage).where(OutboxMessage.recipient_openid == openid).order_by(OutboxMessage.id)
        )
        return with_bodies(session, list(rows.scalars()))


def villager(server, openid: str, name: str = "张桂兰", phone: str = "13812345678", village: str = "鸣皋村"):
    """A villager whose profile is on record."""
    with transaction(server.state.db) as session:
        person(session, openid, name, phone, village)
    return server.client(openid)
