"""Quarantine records: who is isolated or monitored, from when to when, and the sampling days."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple

from sqlmodel import Field, Session, SQLModel, select

from models.db import insert_returning
from models.declaration import Declaration
from models.person import Person
from models.sql import Sql
from models.town import Village

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
    record = _record(declaration, classification, home_start_on, now)
    session.add(record)
    session.flush()
    return record


def active_quarantines(session: Session, *, declaration_ids: list[int]) -> dict[int, Quarantine]:
    """`active_quarantine` of many declarations in one read, by declaration id."""
    if not declaration_ids:
        return {}
    rows = session.execute(
        select(Quarantine)
        .where(Quarantine.declaration_id.in_(declaration_ids), Quarantine.status == ACTIVE)
        .order_by(Quarantine.id)
    ).scalars()
    found: dict[int, Quarantine] = {}
    for row in rows:
        found.setdefault(row.declaration_id, row)
    return found


# A record as a batch writes it: the model's attributes, none of its cost (~0.4 ms to build a SQLModel object).
QuarantineRow = namedtuple("QuarantineRow", [column.name for column in Quarantine.__table__.columns])


def sync_quarantines(session: Session, changes: list[tuple], *, olds: dict[int, Quarantine], now: dt.datetime):
    """`sync_quarantine` of many (declaration, classification, home start) at once, the records in force given:
    one flush of the old ones, one INSERT of the new ones. The new record (a plain QuarantineRow, or None) by
    declaration id."""
    for old in olds.values():
        old.status, old.closed_at = CANCELLED, now
    session.add_all(olds.values())
    session.flush()
    values = {}
    for declaration, classification, home_start_on in changes:
        if classification.disposition in MEASURES and classification.end_on is not None:
            values[declaration.id] = _values(declaration, classification, home_start_on, now)
    ids = insert_returning(session, Quarantine.__table__, list(values.values()), key="declaration_id")
    return {
        declaration.id: QuarantineRow(id=ids[declaration.id], **values[declaration.id])
        if declaration.id in values
        else None
        for declaration, _, _ in changes
    }


def _values(declaration, classification, home_start_on: dt.date | None, now: dt.datetime) -> dict:
    """A new record's columns (as `_record`, without the model)."""
    return {
        "declaration_id": declaration.id, "classification_id": classification.id, "person_id": declaration.person_id,
        "village_id": declaration.village_id, "kind": classification.disposition,
        "start_on": classification.start_on, "end_on": classification.end_on, "home_start_on": home_start_on,
        "sampling_dates": classification.sampling_dates, "status": ACTIVE, "created_at": now, "closed_at": None,
    }  # fmt: skip


def _record(declaration, classification, home_start_on: dt.date | None, now: dt.datetime) -> Quarantine:
    return Quarantine(
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


CLOSE = "UPDATE quarantine SET status = 'ended', closed_at = :now WHERE id = :id AND status = 'active'"


def quarantine_by_id(session: Session, *, quarantine_id: int) -> Quarantine | None:
    """The record with this id, if any."""
    return session.get(Quarantine, quarantine_id)


def ending_on(session: Session, *, days: tuple[dt.date, ...]) -> list[tuple[Quarantine, Declaration]]:
    """(record, declaration) of the records in force whose last day is one of these, oldest first."""
    rows = session.execute(
        select(Quarantine, Declaration)
        .join(Declaration, Declaration.id == Quarantine.declaration_id)
        .where(Quarantine.status == ACTIVE, Quarantine.end_on.in_(days))
        .order_by(Quarantine.id)
    ).all()
    return [tuple(row) for row in rows]


def overdue_ids(session: Session, *, before: dt.date) -> list[int]:
    """Records still in force whose last day is before this one."""
    return list(
        session.execute(select(Quarantine.id).where(Quarantine.status == ACTIVE, Quarantine.end_on < before)).scalars()
    )


def close_quarantine(sql: Sql, *, quarantine_id: int, now: dt.datetime) -> bool:
    """Active → ended, once; False when it was no longer active."""
    return sql.run(CLOSE, id=quarantine_id, now=sql.time(now)) == 1


CLOSE_OVERDUE = (
    "UPDATE quarantine SET status = 'ended', closed_at = :now WHERE status = 'active' AND end_on < :before RETURNING id"
)


def close_overdue(sql: Sql, *, before: dt.date, now: dt.datetime) -> list[int]:
    """`close_quarantine` of every record in force whose last day is before this one, in one statement; their ids."""
    day = before.isoformat() if sql.sqlite else before  # SQLite keeps dates as ISO text
    return sorted(row[0] for row in sql.all(CLOSE_OVERDUE, before=day, now=sql.time(now)))


def ended_between(session: Session, *, first: dt.date, before: dt.date) -> list[tuple[Quarantine, Declaration]]:
    """(record, declaration) of the records ended whose last day is from `first` up to (not including) `before`."""
    rows = session.execute(
        select(Quarantine, Declaration)
        .join(Declaration, Declaration.id == Quarantine.declaration_id)
        .where(Quarantine.status == ENDED, Quarantine.end_on >= first, Quarantine.end_on < before)
        .order_by(Quarantine.id)
    ).all()
    return [tuple(row) for row in rows]


ACCOUNTS_ON = (
    "SELECT DISTINCT person_id FROM quarantine WHERE status = 'active' AND start_on <= :day AND end_on >= :day"
    " ORDER BY person_id"
)


def accounts_on(sql: Sql, *, day: dt.date) -> list[int]:
    """The accounts (person ids, in order) that report for a record in force on the day."""
    return [row[0] for row in sql.all(ACCOUNTS_ON, day=day.isoformat() if sql.sqlite else day)]


def households_on(
    session: Session, *, day: dt.date, account_id: int | None = None, accounts: tuple[int, int] | None = None
) -> list[tuple]:
    """(record, declaration, account openid, village name) of the records in force on the day, oldest first (of
    one account, or of the accounts from `accounts`' first id to its last, when given)."""
    query = (
        select(Quarantine, Declaration, Person.openid, Village.name)
        .join(Declaration, Declaration.id == Quarantine.declaration_id)
        .join(Person, Person.id == Quarantine.person_id)
        .join(Village, Village.id == Quarantine.village_id)
        .where(Quarantine.status == ACTIVE, Quarantine.start_on <= day, Quarantine.end_on >= day)
        .order_by(Quarantine.person_id, Quarantine.id)
    )
    if account_id is not None:
        query = query.where(Quarantine.person_id == account_id)
    if accounts is not None:
        query = query.where(Quarantine.person_id.between(*accounts))
    return [tuple(row) for row in session.execute(query)]


HouseholdFacts = namedtuple(
    "HouseholdFacts",
    "id person_id village_id kind start_on end_on home_start_on declaration_id name phone declared_by relation"
    " openid village",
)


def household_facts_on(
    session: Session, *, day: dt.date, account_id: int | None = None, accounts: tuple[int, int] | None = None
) -> list[tuple]:
    """`households_on` as plain rows (HouseholdFacts) of the columns a check-in job reads: no ORM object per record
    (two per household cost more than the query at a county's size)."""
    query = (
        select(
            Quarantine.id, Quarantine.person_id, Quarantine.village_id, Quarantine.kind, Quarantine.start_on,
            Quarantine.end_on, Quarantine.home_start_on, Declaration.id, Declaration.name, Declaration.phone,
            Declaration.declared_by_person_id, Declaration.relation, Person.openid, Village.name,
        )
        .join(Declaration, Declaration.id == Quarantine.declaration_id)
        .join(Person, Person.id == Quarantine.person_id)
        .join(Village, Village.id == Quarantine.village_id)
        .where(Quarantine.status == ACTIVE, Quarantine.start_on <= day, Quarantine.end_on >= day)
        .order_by(Quarantine.person_id, Quarantine.id)
    )  # fmt: skip
    if account_id is not None:
        query = query.where(Quarantine.person_id == account_id)
    if accounts is not None:
        query = query.where(Quarantine.person_id.between(*accounts))
    return [HouseholdFacts._make(row) for row in session.execute(query)]


ACTIVE_CONTACT = (
    "SELECT q.id, q.village_id, d.name, d.phone FROM quarantine q JOIN declaration d ON d.id = q.declaration_id"
    " WHERE q.person_id = :person AND q.status = 'active' ORDER BY q.id DESC LIMIT 1"
)


def active_quarantine_contact(sql: Sql, *, person_id: int) -> tuple[int, int, str | None, str | None] | None:
    """(quarantine id, village id, declared name, declared phone) of the person's newest active measure."""
    return sql.one(ACTIVE_CONTACT, person=person_id)


def active_in_village(session: Session, *, village_id: int) -> list[Quarantine]:
    """The village's records in force, oldest first."""
    rows = session.execute(
        select(Quarantine)
        .where(Quarantine.village_id == village_id, Quarantine.status == ACTIVE)
        .order_by(Quarantine.id)
    )
    return list(rows.scalars())


def active_households(session: Session, *, village_ids: list[int] | None = None) -> list[tuple[Quarantine, str, str]]:
    """(record, declared name, village name) of the records in force in these villages (None: the town), oldest
    first."""
    query = (
        select(Quarantine, Declaration.name, Village.name)
        .join(Declaration, Declaration.id == Quarantine.declaration_id)
        .join(Village, Village.id == Quarantine.village_id)
        .where(Quarantine.status == ACTIVE)
        .order_by(Quarantine.id)
    )
    if village_ids is not None:
        query = query.where(Quarantine.village_id.in_(village_ids))
    return [tuple(row) for row in session.execute(query)]
