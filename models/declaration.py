"""Returnee declarations and how each was classified (rule, policy and list versions, the matched entry)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


class Declaration(SQLModel, table=True):
    """What a returnee declared in the chat."""

    __tablename__ = "declaration"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    village_id: int = Field(foreign_key="village.id", index=True)
    name: str = Field(max_length=50)
    phone: str = Field(max_length=20)
    origin_province: str | None = Field(default=None, max_length=50)
    origin_city: str | None = Field(default=None, max_length=50)
    origin_district: str | None = Field(default=None, max_length=50)
    origin_township: str | None = Field(default=None, max_length=100)
    abroad: bool = False
    left_on: dt.date | None = None
    arrived_on: dt.date
    transport: str | None = Field(default=None, max_length=20)
    health_code: str = Field(max_length=10)
    created_at: dt.datetime


class Classification(SQLModel, table=True):
    """The outcome of the policy for one declaration, with everything needed to explain it."""

    __tablename__ = "classification"

    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declaration.id", unique=True)
    rule_id: str = Field(max_length=64)
    policy_version: str = Field(max_length=64)
    list_id: int | None = Field(default=None, foreign_key="risk_list.id")
    disposition: str = Field(max_length=20)
    days: int = 0
    start_on: dt.date
    end_on: dt.date | None = None
    sampling_dates: str = "[]"  # JSON list of ISO dates
    alert: bool = False
    reason: str
    matched_level: str | None = Field(default=None, max_length=8)
    matched_area: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime
