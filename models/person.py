"""People who write to the account: villagers and cadres, keyed by their openid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Field, SQLModel

from models.db import utcnow
from models.sql import Sql


class Person(SQLModel, table=True):
    """A WeChat user of the account; profile facts come from the chat, never from WeChat."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    openid: str = Field(unique=True, max_length=64)
    name: str | None = Field(default=None, max_length=50)
    phone: str | None = Field(default=None, max_length=20)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    # The village whose WeChat tag the person carries now; differs from village_id until tags are synced.
    tagged_village_id: int | None = Field(default=None, foreign_key="village.id")
    subscribed: bool = True
    subscribed_at: dt.datetime | None = None
    unsubscribed_at: dt.datetime | None = None
    last_inbound_at: dt.datetime | None = None
    # Customer-service messages sent since the person last wrote (WeChat allows 5 per 48-hour window).
    cs_used: int = 0
    latitude: float | None = None
    longitude: float | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)


TOUCH = (
    "INSERT INTO person (openid, subscribed, last_inbound_at, cs_used, created_at)"
    " VALUES (:openid, :yes, :now, 0, :now)"
    " ON CONFLICT (openid) DO UPDATE SET last_inbound_at = excluded.last_inbound_at, cs_used = 0"
    " RETURNING id, name, phone, village_id, subscribed"
)
# Events the person did not do (delivery reports, location auto-reports) leave the 48-hour window alone.
TOUCH_QUIETLY = (
    "INSERT INTO person (openid, subscribed, cs_used, created_at) VALUES (:openid, :yes, 0, :now)"
    " ON CONFLICT (openid) DO UPDATE SET openid = excluded.openid"
    " RETURNING id, name, phone, village_id, subscribed"
)


@dataclass
class Caller:
    """The person behind the message being handled: the profile the dialogue reads (no ORM instance)."""

    id: int
    openid: str
    name: str | None
    phone: str | None
    village_id: int | None
    subscribed: bool


def touch_person(sql: Sql, *, openid: str, now: dt.datetime, opens_window: bool = True) -> Caller:
    """Get or create the person behind an inbound message; their own action reopens the 48-hour window."""
    person_id, name, phone, village_id, subscribed = sql.one(
        TOUCH if opens_window else TOUCH_QUIETLY, openid=openid, yes=sql.flag(True), now=sql.time(now)
    )
    return Caller(person_id, openid, name, phone, village_id, bool(subscribed))


PROFILE_COLUMNS = frozenset(
    {"name", "phone", "village_id", "subscribed", "subscribed_at", "unsubscribed_at", "latitude", "longitude"}
)


def mark_subscribed(sql: Sql, *, person: Caller, now: dt.datetime) -> None:
    """The person followed the account (again)."""
    update_profile(sql, person=person, subscribed=True, subscribed_at=now, unsubscribed_at=None)


def mark_unsubscribed(sql: Sql, *, person: Caller, now: dt.datetime) -> None:
    """The person unfollowed: unreachable from now on, nothing deleted."""
    update_profile(sql, person=person, subscribed=False, unsubscribed_at=now)


def update_profile(sql: Sql, *, person: Caller, **fields: object) -> None:
    """Write profile fields the person told us (name, phone, village_id, ...)."""
    unknown = set(fields) - PROFILE_COLUMNS
    if unknown:
        raise ValueError(f"not profile columns: {sorted(unknown)}")
    assignments = ", ".join(f"{column} = :{column}" for column in fields)
    values = {key: _bindable(sql, value) for key, value in fields.items()}
    sql.run(f"UPDATE person SET {assignments} WHERE id = :person_id", person_id=person.id, **values)
    for key, value in fields.items():
        if hasattr(person, key):
            setattr(person, key, value)


def _bindable(sql: Sql, value: object) -> object:
    if isinstance(value, bool):
        return sql.flag(value)
    if isinstance(value, dt.datetime):
        return sql.time(value)
    return value
