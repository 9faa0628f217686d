"""A household's daily check-ins: one row per person reported on, per town day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlmodel import Field, Session, SQLModel

from models.db import among


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


def add_check_ins(session: Session, *, rows: list[dict]) -> list[CheckIn]:
    """Store one check-in per person reported on; the rows, with their ids."""
    check_ins = [CheckIn(**row) for row in rows]
    session.add_all(check_ins)
    session.flush()
    return check_ins


def reported_members(
    session: Session, *, quarantine_ids: list[int] | None, day: dt.date
) -> list[tuple[int, str | None]]:
    """(quarantine id, member) of every check-in of these quarantines (None: of all) on the day."""
    which = [] if quarantine_ids is None else [among(session, CheckIn.quarantine_id, quarantine_ids)]
    rows = session.execute(select(CheckIn.quarantine_id, CheckIn.member).where(*which, CheckIn.day == day))
    return [tuple(row) for row in rows]


def check_in_by_id(session: Session, *, check_in_id: int) -> CheckIn | None:
    """One check-in row, by id."""
    return session.get(CheckIn, check_in_id)


def save_check_in(session: Session, *, check_in: CheckIn) -> None:
    """Mark a changed check-in to be written with the transaction."""
    session.add(check_in)
