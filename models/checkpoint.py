"""What checkpoint staff report from the road: anomalies and sightings, matched later to declarations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlmodel import Field, Session, SQLModel


class CheckpointReport(SQLModel, table=True):
    """One report from a checkpoint: who or what was seen, and what was done."""

    __tablename__ = "checkpoint_report"

    id: int | None = Field(default=None, primary_key=True)
    reporter_person_id: int = Field(foreign_key="person.id", index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    anomaly: bool = True
    name: str | None = Field(default=None, max_length=50)
    phone: str | None = Field(default=None, max_length=20)
    plate: str | None = Field(default=None, max_length=12)
    origin: str | None = Field(default=None, max_length=200)
    health_code: str | None = Field(default=None, max_length=10)
    people: int | None = None
    action: str | None = Field(default=None, max_length=500)
    text: str = Field(max_length=2000)  # what the staff wrote first, kept whole
    # The declaration this sighting was matched to (by phone, plate or name), once found.
    declaration_id: int | None = Field(default=None, foreign_key="declaration.id")
    seen_at: dt.datetime = Field(index=True)


def add_report(session: Session, *, report: CheckpointReport) -> CheckpointReport:
    """Store a new report (its id is known on return)."""
    session.add(report)
    session.flush()
    return report


def save_matches(session: Session, *, reports: list[CheckpointReport]) -> None:
    """Write the declarations found for these reports."""
    session.add_all(reports)
    session.flush()


def reports_seen(session: Session, *, start: dt.datetime, end: dt.datetime) -> list[CheckpointReport]:
    """Every report seen between start and end, in the order seen."""
    return list(
        session.execute(
            select(CheckpointReport)
            .where(CheckpointReport.seen_at >= start, CheckpointReport.seen_at < end)
            .order_by(CheckpointReport.seen_at, CheckpointReport.id)
        ).scalars()
    )


def sighted_declarations(session: Session, *, declaration_ids: list[int]) -> set[int]:
    """Those of these declarations some report was matched to."""
    if not declaration_ids:
        return set()
    query = select(CheckpointReport.declaration_id).where(CheckpointReport.declaration_id.in_(declaration_ids))
    return set(session.execute(query).scalars())


def anomalies_by_village(session: Session, *, start: dt.datetime, end: dt.datetime) -> dict[int | None, int]:
    """Anomalies reported between start and end, by the reporter's village (None: none)."""
    rows = session.execute(
        select(CheckpointReport.village_id, func.count())
        .where(CheckpointReport.anomaly, CheckpointReport.seen_at >= start, CheckpointReport.seen_at < end)
        .group_by(CheckpointReport.village_id)
    )
    return dict(rows.all())
