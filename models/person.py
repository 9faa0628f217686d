"""People who write to the account: villagers and cadres, keyed by their openid."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlmodel import Field, Session, SQLModel

from models.db import upsert_insert, utcnow


class Person(SQLModel, table=True):
    """A WeChat user of the account; profile facts come from the chat, never from WeChat."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    openid: str = Field(unique=True, max_length=64)
    name: str | None = Field(default=None, max_length=50)
    phone: str | None = Field(default=None, max_length=20)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    subscribed: bool = True
    subscribed_at: dt.datetime | None = None
    unsubscribed_at: dt.datetime | None = None
    last_inbound_at: dt.datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)


def touch_person(session: Session, *, openid: str, now: dt.datetime) -> Person:
    """Get or create the person behind an inbound message and record when they last wrote."""
    insert = upsert_insert(session)
    session.execute(
        insert(Person)
        .values(openid=openid, subscribed=True, last_inbound_at=now, created_at=now)
        .on_conflict_do_update(index_elements=["openid"], set_={"last_inbound_at": now})
    )
    return session.exec(select(Person).where(Person.openid == openid)).scalar_one()


def get_person(session: Session, *, openid: str) -> Person | None:
    """The person with this openid, if they ever wrote."""
    return session.exec(select(Person).where(Person.openid == openid)).scalar_one_or_none()


def mark_subscribed(session: Session, *, person: Person, now: dt.datetime) -> None:
    """The person followed the account (again)."""
    person.subscribed = True
    person.subscribed_at = now
    person.unsubscribed_at = None
    session.add(person)


def mark_unsubscribed(session: Session, *, person: Person, now: dt.datetime) -> None:
    """The person unfollowed: unreachable from now on, nothing deleted."""
    person.subscribed = False
    person.unsubscribed_at = now
    session.add(person)


def update_profile(session: Session, *, person: Person, **fields: object) -> None:
    """Write profile fields (name, phone, village_id) that the person confirmed."""
    session.execute(update(Person).where(Person.id == person.id).values(**fields))
    for key, value in fields.items():
        setattr(person, key, value)
