"""What checkpoint staff report from the road: anomalies and sightings, matched later to declarations."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


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
