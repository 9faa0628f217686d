"""Fever reports: anyone may report a fever or symptom; the village doctor follows it up."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, Session, SQLModel


class FeverReport(SQLModel, table=True):
    """A fever or symptom, reported by anyone or found in a check-in; the village doctor is told at once."""

    __tablename__ = "fever_report"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    quarantine_id: int | None = Field(default=None, foreign_key="quarantine.id")
    name: str | None = Field(default=None, max_length=50)  # who has the fever, when not the sender
    temperature: float | None = None
    symptoms: str | None = Field(default=None, max_length=200)
    text: str = Field(max_length=1000)
    source: str = Field(default="report", max_length=12)  # report, checkin
    follow_ups: int = 0  # later messages about the same person that were added to this report
    created_at: dt.datetime = Field(index=True)
    updated_at: dt.datetime | None = None


def add_check_in_fever(
    session: Session,
    *,
    person_id: int,
    village_id: int,
    quarantine_id: int,
    name: str | None,
    temperature: float | None,
    symptoms: str | None,
    text: str,
    now: dt.datetime,
) -> FeverReport:
    """A fever found in a household's check-in, stored with its id."""
    report = FeverReport(
        person_id=person_id,
        village_id=village_id,
        quarantine_id=quarantine_id,
        name=name,
        temperature=temperature,
        symptoms=symptoms,
        text=text[:1000],
        source="checkin",
        created_at=now,
    )
    session.add(report)
    session.flush()
    return report
