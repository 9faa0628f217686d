"""Supply requests from households: items, who owns the request, and each step with its time."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

OPEN, ACCEPTED, DELIVERED, RECEIVED, REFUSED, CANCELLED = (
    "open", "accepted", "delivered", "received", "refused", "cancelled"
)  # fmt: skip


class SupplyRequest(SQLModel, table=True):
    """A household asks for daily necessities; the number a cadre uses is the id."""

    __tablename__ = "supply_request"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    quarantine_id: int | None = Field(default=None, foreign_key="quarantine.id")
    items: str = "[]"  # JSON list of {"name", "qty", "unit"}
    urgent: bool = False
    note: str | None = Field(default=None, max_length=500)
    text: str = Field(max_length=1000)  # what the household wrote first
    status: str = Field(default=OPEN, max_length=12, index=True)
    assignee_person_id: int | None = Field(default=None, foreign_key="person.id")  # routed to first
    accepted_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    accepted_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    received_at: dt.datetime | None = None
    refused_reason: str | None = Field(default=None, max_length=500)
    refused_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None  # the household withdrew it (取消申请)
    escalation_level: int = 0
    escalated_at: dt.datetime | None = None
    created_at: dt.datetime
