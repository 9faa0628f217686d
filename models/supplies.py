"""Supply requests from households: items, who owns the request, and each step with its time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlmodel import Field, Session, SQLModel

from models.sql import Sql

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


# Requests a cadre might have to act on; town/supplies.recipients() then keeps those that reached them.
CANDIDATES = (
    "SELECT r.id FROM supply_request r WHERE r.status IN ('open', 'accepted') AND (r.accepted_by_person_id = :me"
    " OR r.quarantine_id IN (SELECT quarantine_id FROM care_assignment WHERE person_id = :me AND released_at IS NULL)"
    " OR r.village_id IN (SELECT village_id FROM cadre_assignment WHERE person_id = :me)"
    " OR EXISTS (SELECT 1 FROM cadre_assignment a JOIN village v ON v.id = a.village_id"
    " JOIN village rv ON rv.id = r.village_id WHERE a.person_id = :me AND a.role = 'work_area_lead'"
    " AND v.work_area_id = rv.work_area_id)"
    " OR EXISTS (SELECT 1 FROM cadre_assignment WHERE person_id = :me AND role = 'town_command'))"
)
HOUSEHOLD = (
    "SELECT p.name, p.phone, d.name, d.phone, q.kind, v.name FROM person p"
    " LEFT JOIN quarantine q ON q.id = :quarantine AND q.status = 'active'"
    " LEFT JOIN declaration d ON d.id = q.declaration_id LEFT JOIN village v ON v.id = :village WHERE p.id = :person"
)


def save_request(session: Session, *, request: SupplyRequest) -> SupplyRequest:
    """Write a new or changed request now (a new one gets its number)."""
    session.add(request)
    session.flush()
    return request


def request_for_update(session: Session, *, request_id: int) -> SupplyRequest | None:
    """The request with this number, locked for the decision about it."""
    query = select(SupplyRequest).where(SupplyRequest.id == request_id).with_for_update()
    return session.execute(query).scalar_one_or_none()


def requests_of(
    session: Session,
    *,
    person_id: int,
    statuses: tuple[str, ...] | None = None,
    limit: int | None = None,
    lock: bool = False,
) -> list[SupplyRequest]:
    """A household's requests, newest first (only these statuses, at most `limit`, locked when asked)."""
    query = select(SupplyRequest).where(SupplyRequest.person_id == person_id)
    if statuses is not None:
        query = query.where(SupplyRequest.status.in_(statuses))
    query = query.order_by(SupplyRequest.id.desc())
    if limit is not None:
        query = query.limit(limit)
    if lock:
        query = query.with_for_update()
    return list(session.execute(query).scalars())


def requests_by_ids(session: Session, *, ids: list[int]) -> list[SupplyRequest]:
    """These requests, urgent first, then by number."""
    query = select(SupplyRequest).where(SupplyRequest.id.in_(ids))
    return list(session.execute(query.order_by(SupplyRequest.urgent.desc(), SupplyRequest.id)).scalars())


def waiting_requests(session: Session, *, created_before: dt.datetime) -> list[SupplyRequest]:
    """Open or accepted requests made by then, locked for escalation (those another worker holds are skipped)."""
    query = (
        select(SupplyRequest)
        .where(SupplyRequest.status.in_((OPEN, ACCEPTED)), SupplyRequest.created_at <= created_before)
        .order_by(SupplyRequest.id)
        .with_for_update(skip_locked=True)
    )
    return list(session.execute(query).scalars())


def candidate_ids(sql: Sql, *, person_id: int) -> list[int]:
    """Open or accepted requests this cadre might have to act on (accepted, cared for, in their villages...)."""
    return [row[0] for row in sql.all(CANDIDATES, me=person_id)]


HOUSEHOLDS = (
    "SELECT r.id, p.name, p.phone, d.name, d.phone, q.kind, v.name, p.openid FROM supply_request r"
    " JOIN person p ON p.id = r.person_id LEFT JOIN quarantine q ON q.id = r.quarantine_id AND q.status = 'active'"
    " LEFT JOIN declaration d ON d.id = q.declaration_id LEFT JOIN village v ON v.id = r.village_id"
    " WHERE r.id IN {ids}"
)


def households_of(sql: Sql, *, request_ids: list[int]) -> dict[int, tuple]:
    """`household_facts` of many requests in one read, with the requester's openid last, by request id."""
    if not request_ids:
        return {}
    placeholders, params = sql.in_list("ids", request_ids)
    return {row[0]: tuple(row[1:]) for row in sql.all(HOUSEHOLDS.format(ids=placeholders), **params)}


def save_requests(session: Session, *, requests: list[SupplyRequest]) -> None:
    """Write many changed requests in one flush."""
    if requests:
        session.add_all(requests)
        session.flush()


def household_facts(
    sql: Sql, *, person_id: int, quarantine_id: int | None, village_id: int | None
) -> tuple[str | None, str | None, str | None, str | None, str | None, str | None]:
    """(name, phone, declared name, declared phone, measure, village) of the household behind a request."""
    row = sql.one(HOUSEHOLD, quarantine=quarantine_id, village=village_id, person=person_id)
    return row or (None,) * 6
