"""Care of an isolated household: its four responsible people (四包一), sampling rounds and daily check-ins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel

from models.cadre import Holder
from models.sql import Sql

DUE, DONE, MISSED = "due", "done", "missed"


class CareAssignment(SQLModel, table=True):
    """One of the four people responsible for a quarantined household, in one role."""

    __tablename__ = "care_assignment"

    id: int | None = Field(default=None, primary_key=True)
    quarantine_id: int = Field(foreign_key="quarantine.id", index=True)
    role: str = Field(max_length=32)
    person_id: int = Field(foreign_key="person.id", index=True)
    assigned_at: dt.datetime
    released_at: dt.datetime | None = None


class SamplingRound(SQLModel, table=True):
    """A door-to-door nucleic-acid sampling on one day of a quarantine."""

    __tablename__ = "sampling_round"
    __table_args__ = (UniqueConstraint("quarantine_id", "day", name="uq_sampling_round_day"),)

    id: int | None = Field(default=None, primary_key=True)
    quarantine_id: int = Field(foreign_key="quarantine.id", index=True)
    day: dt.date = Field(index=True)
    status: str = Field(default=DUE, max_length=12)
    done_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    done_at: dt.datetime | None = None
    note: str | None = Field(default=None, max_length=500)  # why it was not done
    escalated_at: dt.datetime | None = None


class CheckIn(SQLModel, table=True):
    """A household's daily health report (one row per person reported on)."""

    __tablename__ = "check_in"

    id: int | None = Field(default=None, primary_key=True)
    quarantine_id: int = Field(foreign_key="quarantine.id", index=True)
    person_id: int = Field(foreign_key="person.id")  # who sent it
    day: dt.date = Field(index=True)  # the town's date (TIMEZONE)
    member: str | None = Field(default=None, max_length=50)  # None: the returnee, or 「全家」
    temperature: float | None = None
    symptoms: str | None = Field(default=None, max_length=200)
    fever: bool = False
    text: str = Field(max_length=500)
    created_at: dt.datetime


def cares_for(sql: Sql, *, quarantine_id: int, person_id: int, current: bool = False) -> bool:
    """Whether the person is (or, unless `current`, ever was) one of the household's responsible people."""
    query = "SELECT 1 FROM care_assignment WHERE quarantine_id = :quarantine AND person_id = :person"
    query += " AND released_at IS NULL LIMIT 1" if current else " LIMIT 1"
    return sql.one(query, quarantine=quarantine_id, person=person_id) is not None


CARE_HOLDERS = (
    "SELECT p.id, p.openid, ca.role, p.name, p.phone, q.village_id FROM care_assignment ca"
    " JOIN person p ON p.id = ca.person_id JOIN quarantine q ON q.id = ca.quarantine_id"
    " WHERE ca.quarantine_id = :quarantine AND ca.released_at IS NULL ORDER BY ca.id"
)


def care_holders(sql: Sql, *, quarantine_id: int) -> list[Holder]:
    """The household's current responsible people (四包一), in the order they were assigned."""
    return [Holder(*row) for row in sql.all(CARE_HOLDERS, quarantine=quarantine_id)]


def check_in_by_id(session: Session, *, check_in_id: int) -> CheckIn | None:
    """One check-in row, by id."""
    return session.get(CheckIn, check_in_id)


def save_check_in(session: Session, *, check_in: CheckIn) -> None:
    """Mark a changed check-in to be written with the transaction."""
    session.add(check_in)
