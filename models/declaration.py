"""Returnee declarations, who came with them, and how each was classified (every version kept)."""

from __future__ import annotations

import datetime as dt
import json
from collections import namedtuple

from sqlalchemy import DateTime, Index, TypeDecorator, func, text, type_coerce, update
from sqlalchemy.orm import aliased
from sqlmodel import Field, Session, SQLModel, delete, select

from models.db import among, insert_returning
from models.sql import Sql

# A classification's status: the one in force, one replaced later, or a downgrade waiting for a cadre.
CURRENT, SUPERSEDED, PROPOSED, DECLINED = "current", "superseded", "proposed", "declined"


class Declaration(SQLModel, table=True):
    """What a returnee declared in the chat (possibly sent by a family member for them)."""

    __tablename__ = "declaration"
    __table_args__ = (Index("ix_declaration_created", "created_at"),)  # the day's declarations, for 统计 and the brief

    id: int | None = Field(default=None, primary_key=True)
    # The account the declaration belongs to: whoever sent it, and who is told of any change.
    person_id: int = Field(foreign_key="person.id", index=True)
    # Set (to the sender) when someone declared for another (「俺孩儿…回来的」); None when the returnee sent it.
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
    # From abroad: the day of entry into the country, the port city (上海), and the central days done there.
    entry_date: dt.date | None = None
    port_city: str | None = Field(default=None, max_length=50)
    port_quarantine_days: int | None = None
    left_on: dt.date | None = None
    arrived_on: dt.date
    transport: str | None = Field(default=None, max_length=20)
    transport_detail: str | None = Field(default=None, max_length=20)  # train number or plate
    health_code: str = Field(max_length=10)
    # Re-classified on a new list and updated by a second declaration until this day (the town's date).
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
        # The dashboard's returnee ledger filtered by measure (管控措施), newest first.
        Index(
            "ix_classification_current_measure",
            "disposition",
            "declaration_id",
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
    home_start_on: dt.date | None = None  # the home part after a central one (from abroad: 14+7)
    sampling_dates: str = "[]"  # JSON list of ISO dates
    alert: bool = False
    reason: str
    matched_level: str | None = Field(default=None, max_length=8)
    matched_area: str | None = Field(default=None, max_length=500)
    decided_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    note: str | None = Field(default=None, max_length=500)  # a cadre's reason for an override
    created_at: dt.datetime
    decided_at: dt.datetime | None = None


# Plain rows of both tables for a batch job (re-classification): the same attributes as the models, none of the
# ORM's cost (a SQLModel object costs ~0.4 ms to construct, ~40 us to load).
DeclarationRow = namedtuple("DeclarationRow", [column.name for column in Declaration.__table__.columns])
ClassificationRow = namedtuple("ClassificationRow", [column.name for column in Classification.__table__.columns])


def current_classification(session: Session, *, declaration_id: int) -> Classification | None:
    """The classification in force for a declaration."""
    return session.exec(
        select(Classification).where(Classification.declaration_id == declaration_id, Classification.status == CURRENT)
    ).first()


def save_classification(
    session: Session,
    *,
    declaration_id: int,
    result,  # town.policy.Classification
    now: dt.datetime,
    source: str = "declared",
    status: str = CURRENT,
    decided_by: int | None = None,
    note: str | None = None,
) -> Classification:
    """Store an outcome; a new current one supersedes the one in force (history is kept, never rewritten)."""
    if status == CURRENT:
        session.execute(
            update(Classification)
            .where(Classification.declaration_id == declaration_id, Classification.status.in_((CURRENT, PROPOSED)))
            .values(status=SUPERSEDED)
            # "fetch" syncs only the rows it changed; the default scans the whole session (quadratic in a batch).
            .execution_options(synchronize_session="fetch")
        )
    row = _classification(declaration_id, result, now, source, status, decided_by, note)
    session.add(row)
    session.flush()
    return row


def _classification(declaration_id, result, now, source, status, decided_by=None, note=None) -> Classification:
    """A new row for a policy outcome."""
    matched = result.matched
    return Classification(
        declaration_id=declaration_id,
        status=status,
        source=source,
        rule_id=result.rule_id,
        policy_version=result.policy_version,
        list_id=result.list_id,
        disposition=result.disposition,
        days=result.days + result.home_days,
        start_on=result.start,
        end_on=result.end,
        home_start_on=result.home_start,
        sampling_dates=json.dumps([d.isoformat() for d in result.nucleic_acid_dates]),
        alert=result.alert,
        reason=result.reason,
        matched_level=matched.level if matched else None,
        matched_area=f"{matched.place}（{matched.area}）" if matched else None,
        decided_by_person_id=decided_by,
        note=note,
        created_at=now,
        decided_at=now if decided_by else None,
    )


def save_classifications(
    session: Session, *, outcomes: list[tuple[int, object]], now: dt.datetime, source: str, status: str = CURRENT
) -> list[ClassificationRow]:
    """`save_classification` of many (declaration id, outcome) at once, as plain rows: one UPDATE (for current
    ones), one INSERT ... RETURNING of them all."""
    if not outcomes:
        return []
    ids = [declaration_id for declaration_id, _ in outcomes]
    if status == CURRENT:
        session.execute(
            update(Classification)
            .where(Classification.declaration_id.in_(ids), Classification.status.in_((CURRENT, PROPOSED)))
            .values(status=SUPERSEDED)
            .execution_options(synchronize_session=False)  # these rows are plain, none is in the session
        )
    values = [_values(declaration_id, result, now, source, status) for declaration_id, result in outcomes]
    ids = insert_returning(session, Classification.__table__, values, key="declaration_id")
    return [ClassificationRow(id=ids[row["declaration_id"]], **row) for row in values]


def _values(declaration_id, result, now, source, status) -> dict:
    """A new row's columns for a policy outcome (as `_classification`, without the model)."""
    matched = result.matched
    return {
        "declaration_id": declaration_id, "status": status, "source": source, "rule_id": result.rule_id,
        "policy_version": result.policy_version, "list_id": result.list_id, "disposition": result.disposition,
        "days": result.days + result.home_days, "start_on": result.start, "end_on": result.end,
        "home_start_on": result.home_start,
        "sampling_dates": json.dumps([d.isoformat() for d in result.nucleic_acid_dates]),
        "alert": result.alert, "reason": result.reason, "matched_level": matched.level if matched else None,
        "matched_area": f"{matched.place}（{matched.area}）" if matched else None, "decided_by_person_id": None,
        "note": None, "created_at": now, "decided_at": None,
    }  # fmt: skip


def set_statuses(session: Session, *, rows: list[Classification], status: str) -> None:
    """`set_status` of many rows: one flush."""
    if rows:
        for row in rows:
            row.status = status
        session.add_all(rows)
        session.flush()


def household_of(session: Session, *, declaration_id: int) -> list[HouseholdMember]:
    """The people who came back with the returnee, in the order given."""
    return list(
        session.exec(
            select(HouseholdMember).where(HouseholdMember.declaration_id == declaration_id).order_by(HouseholdMember.id)
        )
    )


def declaration_by_id(session: Session, *, declaration_id: int) -> Declaration | None:
    """The declaration with this id, if any."""
    return session.get(Declaration, declaration_id)


def members_of(session: Session, *, declaration_ids: list[int]) -> list[HouseholdMember]:
    """The people who came back with these returnees, in the order given."""
    return list(
        session.execute(
            select(HouseholdMember)
            .where(among(session, HouseholdMember.declaration_id, declaration_ids))
            .order_by(HouseholdMember.id)
        ).scalars()
    )


def open_declaration(session: Session, *, person_id: int, name: str, today: dt.date) -> Declaration | None:
    """This sender's latest declaration for the returnee of that name that is still active."""
    return session.exec(
        select(Declaration)
        .where(Declaration.person_id == person_id, Declaration.name == name, Declaration.active_until >= today)
        .order_by(Declaration.id.desc())
    ).first()


def save_declaration(session: Session, *, declaration: Declaration) -> Declaration:
    """Store a new or changed declaration; it has its id."""
    session.add(declaration)
    session.flush()
    return declaration


def replace_household(session: Session, *, declaration_id: int, members: list[tuple[str, str | None]]) -> None:
    """The (name, relation) of the companions given now replace those given before."""
    session.exec(delete(HouseholdMember).where(HouseholdMember.declaration_id == declaration_id))
    for name, relation in members:
        session.add(HouseholdMember(declaration_id=declaration_id, name=name, relation=relation))
    session.flush()


def origin_provinces(sql: Sql, *, since: dt.datetime) -> list[str]:
    """The provinces declared since then, the most declared first (ties by name)."""
    rows = sql.all(
        "SELECT origin_province, COUNT(*) FROM declaration WHERE created_at >= :since AND origin_province IS NOT NULL"
        " GROUP BY origin_province ORDER BY COUNT(*) DESC, origin_province",
        since=sql.time(since),
    )
    return [province for province, _ in rows]


def active_with_current(session: Session, *, today: dt.date) -> list[tuple[Declaration, Classification]]:
    """Declarations still followed today, with the classification in force (locked against a cadre's command)."""
    rows = session.execute(
        select(Declaration, Classification)
        .join(Classification, Classification.declaration_id == Declaration.id)
        .where(Declaration.active_until >= today, Classification.status == CURRENT)
        .order_by(Declaration.id)
        .with_for_update(of=Declaration)
    ).all()
    return [(declaration, current) for declaration, current in rows]


def active_chunk(session: Session, *, today: dt.date, after_id: int, limit: int) -> list[tuple]:
    """The next active declarations after that id, in id order, with the classification in force (locked): plain
    (DeclarationRow, ClassificationRow) pairs."""
    declaration, classification = Declaration.__table__, Classification.__table__
    rows = session.execute(
        select(*_plain(session, declaration), *_plain(session, classification))
        .join_from(declaration, classification, classification.c.declaration_id == declaration.c.id)
        .where(
            declaration.c.active_until >= today,
            classification.c.status == CURRENT,
            declaration.c.id > after_id,
        )
        .order_by(declaration.c.id)
        .limit(limit)
        .with_for_update(of=declaration)
    ).all()
    split = len(declaration.columns)
    return [(DeclarationRow(*row[:split]), ClassificationRow(*row[split:])) for row in rows]


def _plain(session: Session, table) -> list:
    """The table's columns; on PostgreSQL its times read as the driver gives them (aware UTC already) without
    SQLModel's per-value conversion, a tenth of a chunk's time in 20,000 calls (SQLite's need it: naive text)."""
    if session.get_bind().dialect.name != "postgresql":
        return list(table.columns)
    return [
        type_coerce(column, DateTime(timezone=True)).label(column.name)
        if isinstance(column.type, TypeDecorator) and column.type.python_type is dt.datetime
        else column
        for column in table.columns
    ]


def count_active_after(session: Session, *, today: dt.date, after_id: int) -> int:
    """How many active declarations come after that id."""
    return session.execute(
        select(func.count())
        .select_from(Declaration)
        .where(Declaration.active_until >= today, Declaration.id > after_id)
    ).scalar_one()


def newest_after_each(session: Session, *, first_id: int, last_id: int) -> dict[int, Classification]:
    """By declaration id (between both ids): the newest classification stored after the one in force."""
    later = aliased(Classification)
    newest = (
        select(func.max(later.id))
        .join(Classification, Classification.declaration_id == later.declaration_id)
        .where(
            Classification.status == CURRENT,
            later.id > Classification.id,
            later.declaration_id.between(first_id, last_id),
        )
        .group_by(later.declaration_id)
    )
    rows = session.execute(select(Classification).where(Classification.id.in_(newest))).scalars()
    return {row.declaration_id: row for row in rows}


def disposition_before(session: Session, *, declaration_id: int, before_id: int, except_rule: str) -> str | None:
    """The newest disposition stored before that classification, other than by the given rule."""
    row = session.execute(
        select(Classification.disposition)
        .where(
            Classification.declaration_id == declaration_id,
            Classification.id < before_id,
            Classification.rule_id != except_rule,
        )
        .order_by(Classification.id.desc())
        .limit(1)
    ).first()
    return row[0] if row else None


def newest_after(session: Session, *, declaration_id: int, after_id: int) -> Classification | None:
    """The newest classification stored after that one, whatever its status."""
    return session.execute(
        select(Classification)
        .where(Classification.declaration_id == declaration_id, Classification.id > after_id)
        .order_by(Classification.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def set_status(session: Session, *, row: Classification, status: str) -> None:
    """Move a classification to another status (superseded, ...), written at once."""
    row.status = status
    session.add(row)
    session.flush()


def decide(session: Session, *, row: Classification, status: str, person_id: int, now: dt.datetime) -> None:
    """A cadre's decision on a proposal: its new status, who decided and when, written at once."""
    row.status, row.decided_by_person_id, row.decided_at = status, person_id, now
    session.add(row)
    session.flush()


def locked_declaration(session: Session, *, declaration_id: int) -> Declaration | None:
    """The declaration, locked for a decision on it (None when there is none)."""
    return session.execute(
        select(Declaration).where(Declaration.id == declaration_id).with_for_update()
    ).scalar_one_or_none()


def declarations_arriving(session: Session, *, first: dt.date, last: dt.date) -> list[Declaration]:
    """Declarations whose arrival day is between first and last (both included)."""
    return list(session.execute(select(Declaration).where(Declaration.arrived_on.between(first, last))).scalars())


PENDING_PROPOSALS = (
    "SELECT d.id, d.name, d.village_id, v.name, cur.disposition, c.disposition, c.created_at"
    " FROM classification c JOIN declaration d ON d.id = c.declaration_id JOIN village v ON v.id = d.village_id"
    " JOIN classification cur ON cur.declaration_id = d.id AND cur.status = 'current'"
    " WHERE c.status = 'proposed' AND d.active_until >= :today{villages} ORDER BY c.id"
)


def pending_proposals(sql: Sql, *, today: dt.date, village_ids: list[int] | None = None) -> list[tuple]:
    """(declaration id, name, village id, village name, disposition in force, the one proposed, proposed at) of
    easings waiting for 同意/维持, oldest first: in these villages (None: the whole town)."""
    day = today.isoformat() if sql.sqlite else today  # SQLite keeps dates as ISO text
    if village_ids is None:
        return [tuple(row) for row in sql.all(PENDING_PROPOSALS.format(villages=""), today=day)]
    if not village_ids:
        return []
    placeholders, params = sql.in_list("villages", village_ids)
    query = PENDING_PROPOSALS.format(villages=f" AND d.village_id IN {placeholders}")
    return [tuple(row) for row in sql.all(query, today=day, **params)]
