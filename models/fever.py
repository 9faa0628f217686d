"""Fever reports: anyone may report a fever or symptom; the village doctor follows it up."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlmodel import Field, Session, SQLModel

from models.sql import Sql


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
    # Followed up: 「已联系 N」 or 「发热 N 已处理 情况」 from the doctor (or whoever answers for the village).
    closed_at: dt.datetime | None = None
    closed_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    outcome: str | None = Field(default=None, max_length=500)


def fever_report_by_id(session: Session, *, report_id: int) -> FeverReport | None:
    """One report, by id."""
    return session.get(FeverReport, report_id)


def reload_fever_report(session: Session, *, report: FeverReport) -> None:
    """Read the report again (someone may have closed it since it was loaded)."""
    session.refresh(report)


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


# A report not closed within a week is no longer a task (the doctor met the household long since).
OPEN_FOR = dt.timedelta(days=7)

OPEN_REPORTS = (
    "SELECT f.id, f.village_id, f.name, f.temperature, f.symptoms, f.created_at, p.name, p.phone, v.name"
    " FROM fever_report f JOIN person p ON p.id = f.person_id LEFT JOIN village v ON v.id = f.village_id"
    " WHERE f.closed_at IS NULL AND f.created_at >= :since{villages} ORDER BY f.id"
)
CLOSE = (
    "UPDATE fever_report SET closed_at = :now, closed_by_person_id = :person, outcome = :outcome"
    " WHERE id = :id AND closed_at IS NULL"
)


def open_fever_reports(sql: Sql, *, since: dt.datetime, village_ids: list[int] | None = None) -> list[tuple]:
    """(id, village id, patient name, temperature, symptoms, created at, sender's name, sender's phone, village name)
    of reports not yet followed up since then, oldest first: in these villages (None: the whole town)."""
    if village_ids is None:
        return [tuple(row) for row in sql.all(OPEN_REPORTS.format(villages=""), since=sql.time(since))]
    if not village_ids:
        return []
    placeholders, params = sql.in_list("villages", village_ids)
    query = OPEN_REPORTS.format(villages=f" AND f.village_id IN {placeholders}")
    return [tuple(row) for row in sql.all(query, since=sql.time(since), **params)]


ADD_OUTCOME = "UPDATE fever_report SET outcome = :outcome WHERE id = :id AND outcome = :was"


def add_fever_outcome(sql: Sql, *, report_id: int, outcome: str, was: str) -> bool:
    """What was done, said after a report was closed as only 「已联系」; False when it says more already."""
    return sql.run(ADD_OUTCOME, id=report_id, outcome=outcome, was=was) == 1


def close_fever_report(sql: Sql, *, report_id: int, person_id: int, outcome: str | None, now: dt.datetime) -> bool:
    """Followed up, once; False when it was closed already."""
    return sql.run(CLOSE, id=report_id, person=person_id, outcome=outcome, now=sql.time(now)) == 1
