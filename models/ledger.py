"""The 台账's reads, streamed: each ledger's rows come in chunks from one query (a server-side cursor on PostgreSQL),
and what a chunk needs besides (companions, sampling, carers) is read per chunk by id.

Every ledger takes the villages it is limited to (None: the whole town, rows without a village included); rows come
in the town file's order of villages.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Collection, Iterable, Iterator
from functools import cache
from types import SimpleNamespace

from sqlalchemy import and_, false, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session, SQLModel

from models.care import DONE, CareAssignment, SamplingRound
from models.checkpoint import CheckpointReport
from models.db import among
from models.declaration import CURRENT, Classification, Declaration, HouseholdMember
from models.event import EventReport
from models.fever import FeverReport
from models.person import Person
from models.quarantine import ACTIVE, CANCELLED, Quarantine
from models.riskarea import RiskList
from models.supplies import SupplyRequest
from models.town import Village
from models.vaccination import Vaccination

CHUNK = 1000
# What the 返乡人员 sheet reads of a declaration, its classification and the list (the id first: None when not joined).
RETURNEE_RECORDS = {
    Declaration: (
        "id", "name", "id_number", "phone", "health_code", "relation", "abroad", "transport", "transport_detail",
        "origin_province", "origin_city", "origin_district", "origin_township", "left_on", "arrived_on", "entry_date",
        "port_city", "port_quarantine_days",
    ),
    Classification: (
        "id", "disposition", "source", "rule_id", "note", "start_on", "end_on", "home_start_on", "matched_level",
        "matched_area",
    ),
    RiskList: ("id", "published_at", "imported_at"),
}  # fmt: skip


def _village_order():
    """Villages in the town file's order: by work area, then as listed."""
    return (Village.work_area_id.asc().nulls_last(), Village.id)


def _within(column: ColumnElement, villages: Collection[int] | None) -> list[ColumnElement]:
    if villages is None:
        return []
    return [column.in_(list(villages)) if villages else false()]


def _chunks(session: Session, query: Select) -> Iterator[list[tuple]]:
    """The rows of a query in chunks, fetched as they are read (never all at once). On the session's connection,
    not through the ORM: the rows are plain values, and the ORM's per-row handling was a share of the export."""
    result = session.connection().execute(query.execution_options(yield_per=CHUNK))
    for partition in result.partitions():
        yield [tuple(row) for row in partition]


def _whole(model: type[SQLModel], prefix: str) -> list[ColumnElement]:
    """Every column of a table, labelled with a prefix: a row read as plain values (no ORM object to build)."""
    return _columns(model, prefix, _keys(model))


def _columns(model: type[SQLModel], prefix: str, keys: tuple[str, ...]) -> list[ColumnElement]:
    """These columns of a table (the id first), labelled with a prefix."""
    return [model.__table__.columns[key].label(f"{prefix}{key}") for key in keys]


def _keys(model: type[SQLModel]) -> tuple[str, ...]:
    return tuple(column.key for column in model.__table__.columns)


def _records(
    session: Session, query: Select, tables: list[tuple[type[SQLModel], tuple[str, ...]]]
) -> Iterator[list[tuple]]:
    """Chunks of rows whose leading columns are tables' columns (see `_columns`, in this order): each table becomes
    one record with those attribute names (None when an outer join found nothing), the other columns follow."""
    spans, start = [], 0
    for model, keys in tables:
        spans.append((start, start + len(keys), _record_type(model, keys)))
        start += len(keys)
    for chunk in _chunks(session, query):
        yield [
            (*(None if row[first] is None else make(row[first:end]) for first, end, make in spans), *row[start:])
            for row in chunk
        ]  # fmt: skip


@cache
def _record_type(model: type[SQLModel], keys: tuple[str, ...] | None = None):
    """A named tuple of a table's columns: a row read as a record by attribute, without an ORM object."""
    return namedtuple(f"{model.__name__}Record", keys or _keys(model))._make


def returnee_declarations(session: Session, *, villages: Collection[int] | None) -> Iterator[list[tuple]]:
    """Chunks of (declaration, current classification or None, village name, list classified against or None,
    who declared for the returnee (name and phone) or None), as plain records, by village and arrival."""
    current = and_(Classification.declaration_id == Declaration.id, Classification.status == CURRENT)
    proxy = aliased(Person)
    tables = list(RETURNEE_RECORDS.items())
    query = (
        select(
            *[column for n, (model, keys) in enumerate(tables) for column in _columns(model, f"t{n}_", keys)],
            Village.name,
            proxy.name,
            proxy.phone,
        )  # fmt: skip
        .join(Village, Village.id == Declaration.village_id)
        .outerjoin(Classification, current)
        .outerjoin(RiskList, RiskList.id == Classification.list_id)
        .outerjoin(proxy, proxy.id == Declaration.declared_by_person_id)
        .where(*_within(Declaration.village_id, villages))
        .order_by(*_village_order(), Declaration.arrived_on, Declaration.id)
    )
    for chunk in _records(session, query, tables):
        yield [(d, c, village, risk, _proxy(name, phone)) for d, c, risk, village, name, phone in chunk]


def _proxy(name: str | None, phone: str | None) -> SimpleNamespace | None:
    return SimpleNamespace(name=name, phone=phone) if name is not None or phone is not None else None


def sampling_progress(session: Session, *, declaration_ids: Iterable[int]) -> list[tuple[int, str, int]]:
    """(declaration id, planned sampling dates as stored, rounds done) of these declarations' measures under their
    current classification (active or ended, never a cancelled one)."""
    ids = list(declaration_ids)
    if not ids:
        return []
    done = (
        select(func.count())
        .where(SamplingRound.quarantine_id == Quarantine.id, SamplingRound.status == DONE)
        .scalar_subquery()
    )
    query = (
        select(Quarantine.declaration_id, Quarantine.sampling_dates, done)
        .join(Classification, Classification.id == Quarantine.classification_id)
        .where(among(session, Quarantine.declaration_id, ids))
        .where(Classification.status == CURRENT, Quarantine.status != CANCELLED)
        .order_by(Quarantine.id)
    )
    return [tuple(row) for row in session.connection().execute(query)]


def household_members(session: Session, *, declaration_ids: Iterable[int]) -> list[HouseholdMember]:
    """The people who came back with these returnees, in the order they were declared."""
    ids = list(declaration_ids)
    if not ids:
        return []
    query = select(*_whole(HouseholdMember, "")).where(among(session, HouseholdMember.declaration_id, ids))
    make = _record_type(HouseholdMember)
    return [make(row) for row in session.connection().execute(query.order_by(HouseholdMember.id))]


def quarantines_in_force(session: Session, *, declaration_ids: Iterable[int]) -> list[Quarantine]:
    """The active measures under these declarations."""
    ids = list(declaration_ids)
    if not ids:
        return []
    query = select(*_whole(Quarantine, "")).where(among(session, Quarantine.declaration_id, ids))
    query = query.where(Quarantine.status == ACTIVE).order_by(Quarantine.id)
    return [_record_type(Quarantine)(row) for row in session.connection().execute(query)]


def active_quarantines(session: Session, *, villages: Collection[int] | None) -> Iterator[list[tuple]]:
    """Chunks of active quarantines with the declarer's name and phone and the village's name, by village and
    start."""
    query = (
        select(*_whole(Quarantine, "q_"), Declaration.name, Declaration.phone, Village.name)
        .join(Declaration, Declaration.id == Quarantine.declaration_id)
        .join(Village, Village.id == Quarantine.village_id)
        .where(Quarantine.status == ACTIVE, *_within(Quarantine.village_id, villages))
        .order_by(*_village_order(), Quarantine.start_on, Quarantine.id)
    )
    return _records(session, query, [(Quarantine, _keys(Quarantine))])


def checkpoint_anomalies(session: Session, *, villages: Collection[int] | None) -> Iterator[list[tuple]]:
    """Chunks of anomalies reported at checkpoints with the village's name (or None), oldest first."""
    query = (
        select(*_whole(CheckpointReport, "k_"), Village.name)
        .outerjoin(Village, Village.id == CheckpointReport.village_id)
        .where(CheckpointReport.anomaly.is_(True), *_within(CheckpointReport.village_id, villages))
        .order_by(CheckpointReport.seen_at, CheckpointReport.id)
    )
    return _records(session, query, [(CheckpointReport, _keys(CheckpointReport))])


def carers_of_households(
    session: Session, *, quarantine_ids: Iterable[int]
) -> list[tuple[int, str, str | None, str | None]]:
    """(quarantine id, role, name, phone) of the people holding a place in these quarantines now, as assigned."""
    ids = set(quarantine_ids)
    if not ids:
        return []
    return (
        session.connection()
        .execute(
            select(CareAssignment.quarantine_id, CareAssignment.role, Person.name, Person.phone)
            .join(Person, Person.id == CareAssignment.person_id)
            .where(among(session, CareAssignment.quarantine_id, list(ids)), CareAssignment.released_at.is_(None))
            .order_by(CareAssignment.id)
        )
        .all()
    )


def fever_reports(session: Session, *, villages: Collection[int] | None) -> Iterator[list[tuple]]:
    """Chunks of (report, sender's name, sender's phone, village name or None), oldest first."""
    query = (
        select(*_whole(FeverReport, "f_"), Person.name, Person.phone, Village.name)
        .join(Person, Person.id == FeverReport.person_id)
        .outerjoin(Village, Village.id == FeverReport.village_id)
        .where(*_within(FeverReport.village_id, villages))
        .order_by(FeverReport.created_at, FeverReport.id)
    )
    return _records(session, query, [(FeverReport, _keys(FeverReport))])


def supply_requests(session: Session, *, villages: Collection[int] | None) -> Iterator[list[tuple]]:
    """Chunks of (request, household's name, phone, village name or None, who took it on or None), oldest first."""
    taker = aliased(Person)
    query = (
        select(*_whole(SupplyRequest, "s_"), Person.name, Person.phone, Village.name, taker.name)
        .join(Person, Person.id == SupplyRequest.person_id)
        .outerjoin(Village, Village.id == SupplyRequest.village_id)
        .outerjoin(taker, taker.id == SupplyRequest.accepted_by_person_id)
        .where(*_within(SupplyRequest.village_id, villages))
        .order_by(SupplyRequest.created_at, SupplyRequest.id)
    )
    return _records(session, query, [(SupplyRequest, _keys(SupplyRequest))])


def event_reports(session: Session, *, villages: Collection[int] | None) -> Iterator[list[tuple]]:
    """Chunks of (report, household's name, phone, village name or None), by the day of the gathering."""
    query = (
        select(*_whole(EventReport, "e_"), Person.name, Person.phone, Village.name)
        .join(Person, Person.id == EventReport.person_id)
        .outerjoin(Village, Village.id == EventReport.village_id)
        .where(*_within(EventReport.village_id, villages))
        .order_by(EventReport.event_on.asc().nulls_last(), EventReport.id)
    )
    return _records(session, query, [(EventReport, _keys(EventReport))])


def vaccinations(session: Session, *, villages: Collection[int] | None) -> Iterator[list[tuple]]:
    """Chunks of (row, reporter's phone, village name or None), by village, then as registered."""
    query = (
        select(*_whole(Vaccination, "v_"), Person.phone, Village.name)
        .join(Person, Person.id == Vaccination.person_id)
        .outerjoin(Village, Village.id == Vaccination.village_id)
        .where(*_within(Vaccination.village_id, villages))
        .order_by(*_village_order(), Vaccination.id)
    )
    return _records(session, query, [(Vaccination, _keys(Vaccination))])
