"""Returnee declarations, who came with them, and how each was classified (every version kept)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

# A classification's status: the one in force, one replaced later, or a downgrade waiting for a cadre.
CURRENT, SUPERSEDED, PROPOSED, DECLINED = "current", "superseded", "proposed", "declined"


class Declaration(SQLModel, table=True):
    """What a returnee declared in the chat (possibly sent by a family member for them)."""

    __tablename__ = "declaration"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    # Who sent it, when someone declared for another (「俺孩儿…回来的」); None when the returnee sent it.
    declared_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    relation: str | None = Field(default=None, max_length=20)  # the returnee to the sender: 孩子, 老伴…
    village_id: int = Field(foreign_key="village.id", index=True)
    name: str = Field(max_length=50)
    phone: str = Field(max_length=20)
    id_number: str | None = Field(default=None, max_length=18)
    origin_province: str | None = Field(default=None, max_length=50)
    origin_city: str | None = Field(default=None, max_length=50)
    origin_district: str | None = Field(default=None, max_length=50)
    origin_township: str | None = Field(default=None, max_length=100)
    abroad: bool = False
    left_on: dt.date | None = None
    arrived_on: dt.date
    transport: str | None = Field(default=None, max_length=20)
    transport_detail: str | None = Field(default=None, max_length=20)  # train number or plate
    health_code: str = Field(max_length=10)
    # Re-classified on a new list and updated by a second declaration until this day (Asia/Shanghai).
    active_until: dt.date = Field(index=True)
    created_at: dt.datetime
    updated_at: dt.datetime | None = None


class HouseholdMember(SQLModel, table=True):
    """Someone who travelled with the returnee: the same declaration, the same measures."""

    __tablename__ = "household_member"

    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declaration.id", index=True)
    name: str = Field(max_length=50)
    relation: str | None = Field(default=None, max_length=20)


class Classification(SQLModel, table=True):
    """One outcome of the policy (or a cadre) for a declaration, with everything needed to explain it."""

    __tablename__ = "classification"
    __table_args__ = (
        Index(
            "uq_classification_current",
            "declaration_id",
            unique=True,
            sqlite_where=text("status = 'current'"),
            postgresql_where=text("status = 'current'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declaration.id", index=True)
    status: str = Field(default=CURRENT, max_length=12)
    # declared, relisted (a new list version), override (a cadre decided)
    source: str = Field(default="declared", max_length=12)
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
    decided_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    note: str | None = Field(default=None, max_length=500)  # a cadre's reason for an override
    created_at: dt.datetime
    decided_at: dt.datetime | None = None
