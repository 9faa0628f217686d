"""The dashboard's ledgers, one page at a time: filtered, searched, limited to the viewer's villages in SQL.

Each ledger is a query over one aggregate's table with its village, a date (or time) column to filter on, the states
a cadre filters by, and the columns a name or phone fragment is searched in. Pages go newest first by id (keyset:
the next page is the rows below the last id shown); each comes back with the count of all rows the filter finds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy import and_, exists, false, func, literal, or_, select
from sqlalchemy.engine import Row
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from models.care_rounds import DONE, DUE, SamplingRound
from models.checkpoint import CheckpointReport
from models.declaration import CURRENT, Classification, Declaration
from models.event import EventReport
from models.fever import FeverReport
from models.person import Person
from models.quarantine import ACTIVE, Quarantine
from models.supplies import SupplyRequest
from models.town import Village
from models.vaccination import Vaccination

PAGE_SIZE = 50
# Counting stops here: past it a cadre needs a narrower filter, not an exact figure, and the count stays cheap.
COUNT_CAP = 1000


@dataclass(frozen=True)
class LedgerQuery:
    """What a cadre asked for: a village, a date range (the town's days), a state, a fragment, where the page starts."""

    village: int | None = None
    first: dt.date | None = None
    last: dt.date | None = None
    state: str | None = None
    search: str | None = None
    search_phones: bool = True  # False for a viewer who may not read phones: a fragment must not find them
    before: int | None = None  # the page holds rows with ids below this
    today: dt.date | None = None  # the town's today, for states like 「今日及以前待采样」
    tz: dt.tzinfo = dt.UTC  # the town's zone (town.clock.zone()): its days bound the times filtered


@dataclass(frozen=True)
class LedgerPage:
    """One page of rows, the count of all the filter finds (at most COUNT_CAP + 1: more than the cap), and where
    the next page starts (None: no more)."""

    rows: list[Row]
    total: int
    next_before: int | None

    @property
    def more_than_cap(self) -> bool:
        return self.total > COUNT_CAP


@dataclass(frozen=True)
class Ledger:
    """How one ledger reads its table."""

    select: Callable[[], Select]
    id: ColumnElement
    village: ColumnElement
    day: ColumnElement  # the date or time a date range filters
    names: tuple[ColumnElement, ...]
    phones: tuple[ColumnElement, ...]
    states: dict[str, Callable[[LedgerQuery], ColumnElement]]
    timed: bool = False  # `day` is a time: the range is the town's days in UTC
    # The table alone, for a count whose conditions read nothing joined (no state asked): no join to pay for.
    alone: Callable[[], Select] | None = None


def _reported(model, *columns) -> Select:
    """A villager's report: its columns, then its village's name (the sender joined, the village maybe unknown)."""
    return (
        select(*columns, Village.name.label("village"))
        .join(Person, Person.id == model.person_id)
        .outerjoin(Village, Village.id == model.village_id)
    )


def _returnees() -> Select:
    current = and_(Classification.declaration_id == Declaration.id, Classification.status == CURRENT)
    return (
        select(
            Declaration.id,
            Declaration.person_id,
            Declaration.name,
            Declaration.phone,
            Declaration.id_number,
            Declaration.origin_province,
            Declaration.origin_city,
            Declaration.origin_district,
            Declaration.origin_township,
            Declaration.abroad,
            Declaration.arrived_on,
            Declaration.health_code,
            Classification.disposition,
            Classification.end_on,
            Village.name.label("village"),
        )
        .join(Village, Village.id == Declaration.village_id)
        .outerjoin(Classification, current)
    )


def _rounds(status: str):
    return select(func.count()).where(SamplingRound.quarantine_id == Quarantine.id, SamplingRound.status == status)


def _quarantines() -> Select:
    next_due = select(func.min(SamplingRound.day)).where(
        SamplingRound.quarantine_id == Quarantine.id, SamplingRound.status == DUE
    )
    return (
        select(
            Quarantine.id,
            Quarantine.person_id,
            Declaration.name,
            Declaration.phone,
            Quarantine.kind,
            Quarantine.start_on,
            Quarantine.end_on,
            Quarantine.home_start_on,
            Quarantine.status,
            Quarantine.sampling_dates,
            _rounds(DONE).scalar_subquery().label("rounds_done"),
            next_due.scalar_subquery().label("next_due"),
            Village.name.label("village"),
        )
        .join(Declaration, Declaration.id == Quarantine.declaration_id)
        .join(Village, Village.id == Quarantine.village_id)
    )


def _sampling_due(query: LedgerQuery) -> ColumnElement:
    """In force with a round still due on or before today."""
    due = exists().where(
        SamplingRound.quarantine_id == Quarantine.id,
        SamplingRound.status == DUE,
        SamplingRound.day <= (query.today or dt.date.max),
    )
    return and_(Quarantine.status == ACTIVE, due)


def _supplies() -> Select:
    return _reported(
        SupplyRequest,
        SupplyRequest.id,
        SupplyRequest.person_id,
        Person.name,
        Person.phone,
        SupplyRequest.items,
        SupplyRequest.urgent,
        SupplyRequest.note,
        SupplyRequest.text,
        SupplyRequest.status,
        SupplyRequest.created_at,
        SupplyRequest.accepted_at,
        SupplyRequest.delivered_at,
        SupplyRequest.refused_reason,
    )


def _fevers() -> Select:
    return _reported(
        FeverReport,
        FeverReport.id,
        FeverReport.person_id,
        FeverReport.name.label("patient"),
        Person.name,
        Person.phone,
        FeverReport.temperature,
        FeverReport.symptoms,
        FeverReport.text,
        FeverReport.source,
        FeverReport.created_at,
        FeverReport.closed_at,
        FeverReport.outcome,
    )


def _events() -> Select:
    return _reported(
        EventReport,
        EventReport.id,
        EventReport.person_id,
        Person.name,
        Person.phone,
        EventReport.kind,
        EventReport.event_on,
        EventReport.guests,
        EventReport.place,
        EventReport.text,
        EventReport.created_at,
    )


def _vaccinations() -> Select:
    return _reported(
        Vaccination,
        Vaccination.id,
        Vaccination.person_id,
        Vaccination.name,
        Person.phone,
        Vaccination.id_number,
        Vaccination.age_group,
        Vaccination.doses,
        Vaccination.last_dose_on,
        Vaccination.created_at,
    )


def _checkpoints() -> Select:
    return (
        select(
            CheckpointReport.id,
            func.coalesce(Declaration.person_id, CheckpointReport.reporter_person_id).label("person_id"),
            CheckpointReport.anomaly,
            CheckpointReport.name,
            CheckpointReport.phone,
            CheckpointReport.plate,
            CheckpointReport.origin,
            CheckpointReport.health_code,
            CheckpointReport.people,
            CheckpointReport.action,
            CheckpointReport.text,
            CheckpointReport.declaration_id,
            CheckpointReport.seen_at,
            Village.name.label("village"),
        )
        .outerjoin(Declaration, Declaration.id == CheckpointReport.declaration_id)
        .outerjoin(Village, Village.id == CheckpointReport.village_id)
    )


def _measure(disposition: str) -> Callable[[LedgerQuery], ColumnElement]:
    return lambda _query: Classification.disposition == disposition


def _status(column: ColumnElement, value) -> Callable[[LedgerQuery], ColumnElement]:
    return lambda _query: column == value


LEDGERS: dict[str, Ledger] = {
    "returnees": Ledger(
        _returnees, Declaration.id, Declaration.village_id, Declaration.arrived_on,
        (Declaration.name,), (Declaration.phone,),
        {
            "central": _measure("集中隔离"), "home": _measure("居家隔离"), "monitor": _measure("居家健康监测"),
            "free": _measure("无需隔离"), "undecided": lambda _q: Classification.id.is_(None),
        },
        alone=lambda: select(Declaration.id),
    ),
    "quarantines": Ledger(
        _quarantines, Quarantine.id, Quarantine.village_id, Quarantine.start_on,
        (Declaration.name,), (Declaration.phone,),
        {
            "active": _status(Quarantine.status, ACTIVE), "sampling_due": _sampling_due,
            "ended": _status(Quarantine.status, "ended"), "cancelled": _status(Quarantine.status, "cancelled"),
        },
    ),
    "supplies": Ledger(
        _supplies, SupplyRequest.id, SupplyRequest.village_id, SupplyRequest.created_at,
        (Person.name, SupplyRequest.text), (Person.phone,),
        {s: _status(SupplyRequest.status, s) for s in ("open", "accepted", "delivered", "received", "refused",
                                                        "cancelled")},
        timed=True,
    ),  # fmt: skip
    "fevers": Ledger(
        _fevers, FeverReport.id, FeverReport.village_id, FeverReport.created_at,
        (Person.name, FeverReport.name, FeverReport.text), (Person.phone,),
        {"open": lambda _q: FeverReport.closed_at.is_(None), "closed": lambda _q: FeverReport.closed_at.isnot(None)},
        timed=True,
    ),
    "events": Ledger(
        _events, EventReport.id, EventReport.village_id, EventReport.event_on,
        (Person.name, EventReport.place, EventReport.text), (Person.phone,),
        {kind: _status(EventReport.kind, kind) for kind in ("wedding", "funeral", "other")},
    ),
    "vaccination": Ledger(
        _vaccinations, Vaccination.id, Vaccination.village_id, Vaccination.last_dose_on,
        (Vaccination.name,), (Person.phone, Vaccination.id_number),
        {
            "none": lambda _q: Vaccination.doses == 0, "one": lambda _q: Vaccination.doses == 1,
            "two": lambda _q: Vaccination.doses == 2, "three": lambda _q: Vaccination.doses >= 3,
        },
    ),
    "checkpoints": Ledger(
        _checkpoints, CheckpointReport.id, CheckpointReport.village_id, CheckpointReport.seen_at,
        (CheckpointReport.name, CheckpointReport.plate, CheckpointReport.text), (CheckpointReport.phone,),
        {
            "anomaly": lambda _q: CheckpointReport.anomaly.is_(True),
            "sighting": lambda _q: CheckpointReport.anomaly.is_(False),
            "undeclared": lambda _q: and_(
                CheckpointReport.anomaly.is_(True), CheckpointReport.declaration_id.is_(None)
            ),
        },
        timed=True,
    ),
}  # fmt: skip


def ledger_page(
    session: Session, *, kind: str, villages: Collection[int] | None, query: LedgerQuery, size: int = PAGE_SIZE
) -> LedgerPage:
    """One page of a ledger in these villages (None: the whole town, rows without a village included)."""
    ledger = LEDGERS[kind]
    conditions = _conditions(ledger, villages, query)
    filtered = ledger.select().where(*conditions)
    page = filtered.where(ledger.id < query.before) if query.before is not None else filtered
    rows = list(session.execute(page.order_by(ledger.id.desc()).limit(size + 1)).all())
    more = len(rows) > size
    if query.before is None and not more:
        total = len(rows)  # the first page holds everything: nothing more to count
    else:
        total = session.execute(_count(ledger, conditions, joined=query.state is not None)).scalar_one()
    return LedgerPage(rows[:size], total, rows[size - 1].id if more else None)


def _count(ledger: Ledger, conditions: list[ColumnElement], *, joined: bool) -> Select:
    """The count of what the filter finds up to one past the cap, without the page's per-row columns."""
    base = ledger.alone() if ledger.alone is not None and not joined else ledger.select()
    found = base.where(*conditions).with_only_columns(literal(1), maintain_column_froms=True)
    return select(func.count()).select_from(found.limit(COUNT_CAP + 1).subquery())


def _conditions(ledger: Ledger, villages: Collection[int] | None, query: LedgerQuery) -> list[ColumnElement]:
    found: list[ColumnElement] = []
    if villages is not None:
        found.append(ledger.village.in_(list(villages)) if villages else false())
    if query.village is not None:
        found.append(ledger.village == query.village)
    if query.first is not None:
        found.append(ledger.day >= (_start_of(query.first, query.tz) if ledger.timed else query.first))
    if query.last is not None:
        last = query.last + dt.timedelta(days=1)
        found.append(ledger.day < _start_of(last, query.tz) if ledger.timed else ledger.day <= query.last)
    if query.state in ledger.states:
        found.append(ledger.states[query.state](query))
    if query.search:
        columns = ledger.names + (ledger.phones if query.search_phones else ())
        found.append(or_(*(column.contains(query.search, autoescape=True) for column in columns)))
    return found


def _start_of(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The town's midnight starting this day, in UTC (naive UTC is how SQLite compares stored times)."""
    return dt.datetime.combine(day, dt.time(), tz).astimezone(dt.UTC)


def ledger_states(kind: str) -> tuple[str, ...]:
    """The states a ledger filters by, in the order offered."""
    return tuple(LEDGERS[kind].states)
