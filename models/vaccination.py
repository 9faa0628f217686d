"""Vaccination doses people register, per person or household member, with their age group."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


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
