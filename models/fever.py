"""Fever reports: anyone may report a fever or symptom; the village doctor follows it up."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
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


def fever_report_by_id(session: Session, *, report_id: int) -> FeverReport | None:
    """One report, by id."""
    return session.get(FeverReport, report_id)


def save_fever_report(session: Session, *, report: FeverReport) -> FeverReport:
    """Write a changed report now (with whatever else the transaction changed)."""
    session.add(report)
    session.flush()
    return report


def latest_fever_report(
    session: Session, *, person_id: int, source: str, name: str | None, since: dt.datetime
) -> FeverReport | None:
    """The sender's newest report from this source about this person (None: the sender) since then, locked."""
    same_person = FeverReport.name.is_(None) if name is None else FeverReport.name == name
    return session.execute(
        select(FeverReport)
        .where(FeverReport.person_id == person_id, FeverReport.source == source, same_person)
        .where(FeverReport.created_at >= since)
        .order_by(FeverReport.id.desc())
        .limit(1)
        .with_for_update()
    ).scalar_one_or_none()


def add_fever_report(
    session: Session,
    *,
    person_id: int,
    village_id: int | None,
    name: str | None,
    temperature: float | None,
    symptoms: str | None,
    text: str,
    source: str,
    now: dt.datetime,
    quarantine_id: int | None = None,
) -> FeverReport:
    """Store a new report (a check-in's carries its quarantine); it gets its id."""
    report = FeverReport(
        person_id=person_id,
        village_id=village_id,
        quarantine_id=quarantine_id,
        name=name,
        temperature=temperature,
        symptoms=symptoms,
        text=text[:1000],
        source=source,
        created_at=now,
    )
    session.add(report)
    session.flush()
    return report
