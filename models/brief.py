"""The evening dispatch brief: one row per day and scope (a village or the town), written once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint, insert, select
from sqlmodel import Field, Session, SQLModel


class Brief(SQLModel, table=True):
    """The evening dispatch brief of one day, for one village or (village None) the whole town."""

    __tablename__ = "brief"
    __table_args__ = (UniqueConstraint("day", "scope", name="uq_brief_day_scope"),)

    id: int | None = Field(default=None, primary_key=True)
    day: dt.date = Field(index=True)
    scope: str = Field(max_length=60)  # "town" or "village:<id>"
    village_id: int | None = Field(default=None, foreign_key="village.id")
    text: str
    short: str = Field(max_length=2000)  # what is pushed to cadres
    data: str = "{}"  # JSON numbers for the dashboard
    created_at: dt.datetime


def scopes_written(session: Session, *, day: dt.date) -> set[str]:
    """The scopes whose brief of the day is already written."""
    return set(session.execute(select(Brief.scope).where(Brief.day == day)).scalars())


def add_briefs(session: Session, *, briefs: list[dict]) -> None:
    """Store new briefs (a dict of Brief's fields each) in one executemany."""
    if briefs:
        session.execute(insert(Brief), briefs)


def stored_text(session: Session, *, day: dt.date, scope: str) -> str | None:
    """The full text of the day's brief for the scope, if written."""
    return session.execute(select(Brief.text).where(Brief.day == day, Brief.scope == scope)).scalar_one_or_none()
