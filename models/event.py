"""Planned gatherings (weddings, funerals, banquets) households report, for the village cadre to advise."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, Session, SQLModel


class EventReport(SQLModel, table=True):
    """A wedding, funeral or other gathering a household plans."""

    __tablename__ = "event_report"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    kind: str = Field(max_length=12)  # wedding, funeral, other
    event_on: dt.date | None = None
    guests: int | None = None
    place: str | None = Field(default=None, max_length=200)
    text: str = Field(max_length=1000)
    created_at: dt.datetime


def add_event_report(session: Session, *, report: EventReport) -> EventReport:
    """Store a household's report; it gets its number."""
    session.add(report)
    session.flush()
    return report
