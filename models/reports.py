"""What anyone may report: fever, planned gatherings (weddings, funerals) and vaccination."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


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


class Vaccination(SQLModel, table=True):
    """One person's doses, as reported by themselves or their household."""

    __tablename__ = "vaccination"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)  # who reported it
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    name: str = Field(max_length=50)
    id_number: str | None = Field(default=None, max_length=18)
    age_group: str | None = Field(default=None, max_length=8)  # under12, 12-17, 18+
    doses: int = 0
    last_dose_on: dt.date | None = None
    created_at: dt.datetime
    updated_at: dt.datetime | None = None


class PolicyQuestion(SQLModel, table=True):
    """A question the FAQ could not answer with confidence, queued for the village cadre."""

    __tablename__ = "policy_question"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    text: str = Field(max_length=1000)
    status: str = Field(default="open", max_length=12, index=True)  # open, answered
    answer: str | None = Field(default=None, max_length=2000)
    answered_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    answered_at: dt.datetime | None = None
    created_at: dt.datetime
