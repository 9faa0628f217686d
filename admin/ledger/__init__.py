"""The town's 台账 as rows: returnees, active quarantines and checkpoint anomalies, read in a few queries."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from admin.ledger.basis import Basis
from admin.ledger.texts import (
    ABROAD,
    CELL,
    CHECKPOINT_COLUMNS,
    CHECKPOINTS,
    CODES,
    NO,
    NO_VILLAGE,
    OVERRIDDEN,
    QUARANTINE_COLUMNS,
    QUARANTINES,
    RETURNEE_COLUMNS,
    RETURNEES,
    TRANSPORTS,
    UNDECIDED,
    YES,
)
from bot.villages import VillageRef
from models.declaration import Classification, Declaration, HouseholdMember
from models.ledger import (
    active_quarantines,
    carers_of_households,
    checkpoint_anomalies,
    household_members,
    returnee_declarations,
    sampling_progress,
)
from models.person import Person
from models.quarantine import Quarantine
from town.care.four import place_name, places
from town.policy.rules import Policy
from town.texts import ROLE_NAMES


@dataclass(frozen=True)
class Sheet:
    """One ledger: its title, column headers and rows of cell values (text, numbers, dates)."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple]


@dataclass(frozen=True)
class Ledger:
    """Everything an export writes: the town, the village it is limited to, when, and the sheets."""

    town: str
    village: str | None
    exported_at: dt.datetime  # local time of the town
    sheets: tuple[Sheet, ...]


def load_ledger(
    session: Session,
    *,
    town: str,
    now: dt.datetime,
    tz: ZoneInfo,
    village: VillageRef | None = None,
    policy: Policy | None = None,
) -> Ledger:
    """The three ledgers of the town, or of one village (`policy`: whose rules the 依据 names)."""
    village_id = village.id if village else None
    declarations = returnee_declarations(session, village_id=village_id)
    quarantines = active_quarantines(session, village_id=village_id)
    members = _by_household(household_members(session, village_id=village_id))
    checkpoints = checkpoint_anomalies(session, village_id=village_id)
    responsible = responsible_people(session, [q for q, *_ in quarantines])
    sampled = {d: _sampled(dates, done) for d, dates, done in sampling_progress(session, village_id=village_id)}
    household = Household(members, responsible, sampled, Basis.of(policy, now=now, tz=tz))
    sheets = (
        Sheet(RETURNEES, RETURNEE_COLUMNS, returnee_rows(declarations, household)),
        Sheet(QUARANTINES, QUARANTINE_COLUMNS, quarantine_rows(quarantines, household)),
        Sheet(CHECKPOINTS, CHECKPOINT_COLUMNS, checkpoint_rows(checkpoints, tz)),
    )
    return Ledger(town, village.name if village else None, now.astimezone(tz), sheets)


@dataclass(frozen=True)
class Household:
    """What the sheets read per declaration: companions, 包保责任人, 已采样, and how the 依据 is said."""

    members: dict[int, list[HouseholdMember]]
    responsible: dict[int, str]
    sampled: dict[int, str]
    basis: Basis


def _by_household(found: list[HouseholdMember]) -> dict[int, list[HouseholdMember]]:
    """The people who came back with each returnee, by declaration id."""
    members: dict[int, list[HouseholdMember]] = defaultdict(list)
    for member in found:
        members[member.declaration_id].append(member)
    return members


def responsible_people(session: Session, quarantines: Iterable[Quarantine]) -> dict[int, str]:
    """包保责任人 per household (declaration id → text): who holds a place in its measure now, and the places
    nobody holds yet (a village cadre is not named for a household they were never given)."""
    records = list(quarantines)
    held: dict[int, list[tuple]] = defaultdict(list)
    for quarantine_id, role, name, phone in carers_of_households(session, quarantine_ids=[q.id for q in records]):
        held[quarantine_id].append((role, name, phone))
    return {record.declaration_id: _places_cell(record, held[record.id]) for record in records}


def _places_cell(record: Quarantine, people: list[tuple]) -> str:
    """Place by place (包村干部, 村干部, 村医, 民警或网格员): who holds it, or 暂缺."""
    cells, shown = [], set()
    for place in places(record):
        holding = [p for p in people if p[0] in place]
        cells += [_person(*p) for p in holding] or [CELL.vacant.format(role=place_name(place))]
        shown.update(place)
    cells += [_person(*p) for p in people if p[0] not in shown]  # kept from a measure with other places
    return CELL.people_separator.join(cells)


def _person(role: str, name: str | None, phone: str | None) -> str:
    return CELL.responsible.format(role=ROLE_NAMES[role], name=name or CELL.nameless) + (
        CELL.phone.format(phone=phone) if phone else ""
    )


def returnee_rows(declarations: list[tuple], household: Household) -> list[tuple]:
    """One row per returnee and one per person who came back with them, numbered."""
    rows = []
    for declaration, classification, village, risk_list, proxy in declarations:
        shared = _trip(declaration, classification, village, risk_list, household)
        code = CODES.get(declaration.health_code, declaration.health_code)
        rows.append(
            (declaration.name, declaration.id_number, declaration.phone, _proxy(proxy, declaration), *shared(code))
        )
        for member in household.members.get(declaration.id, ()):
            rows.append((_companion(member, declaration), None, declaration.phone, None, *shared(None)))
    return [(number, *row) for number, row in enumerate(rows, 1)]


def _trip(declaration: Declaration, classification: Classification | None, village: str, risk_list, household):
    """The cells a returnee shares with the people who came with them; only the health code is their own."""
    measure, start, end = _measure(classification)
    reason = household.basis.text(declaration, classification, risk_list) if classification else None
    origin, left, arrived = _origin(declaration), declaration.left_on, declaration.arrived_on
    transport, sampled = _transport(declaration), household.sampled.get(declaration.id)
    responsible = household.responsible.get(declaration.id, "")
    return lambda code: (
        village,
        origin,
        left,
        arrived,
        transport,
        code,
        measure,
        start,
        end,
        sampled,
        responsible,
        reason,
    )


def _measure(classification: Classification | None) -> tuple:
    if classification is None:
        return UNDECIDED, None, None
    overridden = classification.source == "override"
    measure = classification.disposition + _home_from(classification.home_start_on) + (OVERRIDDEN if overridden else "")
    return measure, classification.start_on, classification.end_on


def _home_from(home_start: dt.date | None) -> str:
    """「（2021-08-17起居家隔离）」 after a central part, as both sheets write it."""
    return CELL.home_from.format(day=home_start.isoformat()) if home_start else ""


def _proxy(proxy: Person | None, declaration: Declaration) -> str | None:
    """Who declared for the returnee, with their phone; empty when the returnee declared themselves."""
    if proxy is None:
        return None
    name, phone = proxy.name or CELL.nameless, CELL.phone.format(phone=proxy.phone) if proxy.phone else ""
    if declaration.relation:
        return CELL.proxy_relation.format(name=name, phone=phone, relation=declaration.relation)
    return CELL.proxy.format(name=name, phone=phone)


def _sampled(stored: str, done: int) -> str | None:
    """「2/4」: rounds done of those planned (none when no sampling was planned)."""
    total = len(_dates(stored) or ())
    return CELL.sampled.format(done=done, total=total) if total or done else None


def _origin(declaration: Declaration) -> str:
    if declaration.abroad:
        return ABROAD
    parts = (declaration.origin_province, declaration.origin_city, declaration.origin_district)
    names = [p for i, p in enumerate(parts) if p and p not in parts[:i]]  # 北京市北京市 → 北京市
    return "".join([*names, declaration.origin_township or ""])


def _transport(declaration: Declaration) -> str | None:
    if not declaration.transport:
        return None
    label = TRANSPORTS.get(declaration.transport, declaration.transport)
    detail = declaration.transport_detail
    return CELL.transport_detail.format(label=label, detail=detail) if detail else label


def _companion(member: HouseholdMember, declaration: Declaration) -> str:
    relation = CELL.relation.format(relation=member.relation) if member.relation else ""
    return CELL.companion.format(name=member.name, declarer=declaration.name, relation=relation)


def quarantine_rows(quarantines: list[tuple], household: Household) -> list[tuple]:
    """One row per household under an active measure, numbered."""
    rows = []
    for number, (record, name, phone, village) in enumerate(quarantines, 1):
        companions = CELL.separator.join(m.name for m in household.members.get(record.declaration_id, ()))
        measure = record.kind + _home_from(record.home_start_on)
        rows.append((
            number,
            CELL.with_companions.format(name=name, companions=companions) if companions else name,
            phone,
            village,
            measure,
            record.start_on,
            record.end_on,
            _sampling_dates(record.sampling_dates),
            household.sampled.get(record.declaration_id),
            household.responsible.get(record.declaration_id, ""),
        ))  # fmt: skip
    return rows


def _sampling_dates(stored: str) -> str:
    dates = _dates(stored)
    return CELL.separator.join(dates) if dates is not None else stored  # shown as stored rather than lost


def _dates(stored: str) -> list[str] | None:
    """The planned sampling dates (ISO) as stored, or None when the column holds something else."""
    try:
        dates = json.loads(stored or "[]")
    except (TypeError, ValueError):
        return None
    return dates if isinstance(dates, list) else None


def checkpoint_rows(reports: list[tuple], tz: ZoneInfo) -> list[tuple]:
    """One row per anomaly reported from a checkpoint, oldest first, in the town's local time."""
    return [
        (
            number,
            _local(report.seen_at, tz),
            village or NO_VILLAGE,
            report.plate,
            report.name,
            report.phone,
            report.origin,
            CODES.get(report.health_code, report.health_code) if report.health_code else None,
            report.people,
            report.action,
            YES if report.declaration_id is not None else NO,
            report.text,
        )
        for number, (report, village) in enumerate(reports, 1)
    ]


def _local(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A stored time (aware, or naive UTC from SQLite) as the town's wall-clock time, without tzinfo for Excel."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(tz).replace(tzinfo=None)
