"""Quarantine records: who is isolated or monitored, from when to when, and the sampling days."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, Session, SQLModel, select

from models.sql import Sql

ACTIVE, ENDED, CANCELLED = "active", "ended", "cancelled"
# Dispositions that put a household under a measure with days to count.
CENTRAL, HOME, MONITOR = "集中隔离", "居家隔离", "居家健康监测"
MEASURES = (CENTRAL, HOME, MONITOR)


class Quarantine(SQLModel, table=True):
    """One household's measure under a declaration; replaced (cancelled) when the classification changes."""

    __tablename__ = "quarantine"

    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declaration.id", index=True)
    classification_id: int = Field(foreign_key="classification.id")
    person_id: int = Field(foreign_key="person.id", index=True)
    village_id: int = Field(foreign_key="village.id", index=True)
    kind: str = Field(max_length=20)  # 集中隔离, 居家隔离, 居家健康监测
    start_on: dt.date
    end_on: dt.date
    home_start_on: dt.date | None = None  # abroad: home isolation after the central one
    sampling_dates: str = "[]"  # JSON list of ISO dates
    status: str = Field(default=ACTIVE, max_length=12, index=True)
    created_at: dt.datetime
    closed_at: dt.datetime | None = None


def active_quarantine(session: Session, *, declaration_id: int) -> Quarantine | None:
    """The measure in force under a declaration, if any."""
    return session.exec(
        select(Quarantine).where(Quarantine.declaration_id == declaration_id, Quarantine.status == ACTIVE)
    ).first()


def sync_quarantine(
    session: Session, *, declaration, classification, now: dt.datetime, home_start_on: dt.date | None = None
) -> Quarantine | None:
    """Make the quarantine record follow the classification in force: cancel the old one, open the new one."""
    old = active_quarantine(session, declaration_id=declaration.id)
    if old is not None:
        old.status, old.closed_at = CANCELLED, now
        session.add(old)
    if classification.disposition not in MEASURES or classification.end_on is None:
        session.flush()
        return None
    record = Quarantine(
        declaration_id=declaration.id,
        classification_id=classification.id,
        person_id=declaration.person_id,
        village_id=declaration.village_id,
        kind=classification.disposition,
        start_on=classification.start_on,
        end_on=classification.end_on,
        home_start_on=home_start_on,
        sampling_dates=classification.sampling_dates,
        created_at=now,
    )
    session.add(record)
    session.flush()
    return record


ACTIVE_CONTACT = (
    "SELECT q.id, q.village_id, d.name, d.phone FROM quarantine q JOIN declaration d ON d.id = q.declaration_id"
    " WHERE q.person_id = :person AND q.status = 'active' ORDER BY q.id DESC LIMIT 1"
)


def active_quarantine_contact(sql: Sql, *, person_id: int) -> tuple[int, int, str | None, str | None] | None:
    """(quarantine id, village id, declared name, declared phone) of the person's newest active measure."""
    return sql.one(ACTIVE_CONTACT, person=person_id)
