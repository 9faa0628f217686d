"""Quarantine records: who is isolated or monitored, from when to when, and the sampling days."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

ACTIVE, ENDED, CANCELLED = "active", "ended", "cancelled"


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
