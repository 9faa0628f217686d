"""The town's 台账 as rows: returnees, quarantines, checkpoint anomalies, fevers, supplies, 红白事 and vaccination.

Sheets are streamed: `open_ledger` gives each sheet's rows as an iterator read in chunks inside the caller's
transaction (flat memory whatever the town's size); `load_ledger` reads them all, for a test or a small town.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from admin.ledger.basis import Basis
from admin.ledger.more import event_sheet, fever_sheet, supply_sheet, vaccination_sheet
from admin.ledger.sheet import Sheet, local_time, numbered
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
from admin.masking import Mask
from bot.villages import VillageRef
from models.declaration import Classification, Declaration, HouseholdMember
from models.ledger import (
    active_quarantines,
    carers_of_households,
    checkpoint_anomalies,
    household_members,
    quarantines_in_force,
    returnee_declarations,
    sampling_progress,
)
from models.person import Person
from models.quarantine import Quarantine
from town.care.four import place_name, places
from town.policy.rules import Policy
from town.texts import ROLE_NAMES


@dataclass(frozen=True)
class Ledger:
    """Everything an export writes: the town, the village it is limited to, when, and the sheets."""

    town: str
    village: str | None
    exported_at: dt.datetime  # local time of the town
    sheets: tuple[Sheet, ...]


def open_ledger(
    session: Session,
    *,
    town: str,
    now: dt.datetime,
    tz: ZoneInfo,
    village: VillageRef | None = None,
    villages: Collection[int] | None = None,
    policy: Policy | None = None,
    masked: bool = False,
) -> Ledger:
    """The ledgers of the town, of one village, or of the villages a viewer sees (`villages`, None: all), their
    rows read as they are written; phones and ID numbers masked when asked (`policy`: whose rules the 依据 names)."""
    scope = _scope(village, villages)
    mask = Mask(masked)
    basis = Basis.of(policy, now=now, tz=tz)
    sheets = (
        Sheet(RETURNEES, RETURNEE_COLUMNS, _returnee_stream(session, scope, basis, mask)),
        Sheet(QUARANTINES, QUARANTINE_COLUMNS, _quarantine_stream(session, scope, mask)),
        Sheet(CHECKPOINTS, CHECKPOINT_COLUMNS, _checkpoint_stream(session, scope, tz, mask)),
        fever_sheet(session, scope, tz, mask),
        supply_sheet(session, scope, tz, mask),
        event_sheet(session, scope, tz, mask),
        vaccination_sheet(session, scope, tz, mask),
    )
    return Ledger(town, village.name if village else None, now.astimezone(tz), sheets)


def load_ledger(session: Session, **options) -> Ledger:
    """`open_ledger` with every sheet's rows read now, as lists."""
    ledger = open_ledger(session, **options)
    sheets = tuple(Sheet(s.title, s.columns, list(s.rows)) for s in ledger.sheets)
    return Ledger(ledger.town, ledger.village, ledger.exported_at, sheets)


def _scope(village: VillageRef | None, villages: Collection[int] | None) -> Collection[int] | None:
    """One village asked for, within the viewer's villages if limited."""
    if village is None:
        return villages
    return [village.id] if villages is None or village.id in villages else []


def _numbered(chunks: Iterator[list[tuple]]) -> Iterator[tuple]:
    """Rows of all chunks numbered from 1."""
    return numbered(row for chunk in chunks for row in chunk)


def _returnee_stream(session: Session, scope, basis: Basis, mask: Mask) -> Iterator[tuple]:
    """返乡人员, chunk by chunk: each chunk's companions, sampling and carers read for it alone."""

    def rows() -> Iterator[list[tuple]]:
        for chunk in returnee_declarations(session, villages=scope):
            household = _household(session, [row[0].id for row in chunk], basis)
            yield returnee_rows(chunk, household, mask)

    return _numbered(rows())


def _quarantine_stream(session: Session, scope, mask: Mask) -> Iterator[tuple]:
    def rows() -> Iterator[list[tuple]]:
        for chunk in active_quarantines(session, villages=scope):
            household = _household(session, [row[0].declaration_id for row in chunk], None, [r[0] for r in chunk])
            yield quarantine_rows(chunk, household, mask)

    return _numbered(rows())


def _checkpoint_stream(session: Session, scope, tz: ZoneInfo, mask: Mask) -> Iterator[tuple]:
    return _numbered(checkpoint_rows(chunk, tz, mask) for chunk in checkpoint_anomalies(session, villages=scope))


def _household(
    session: Session, declaration_ids: list[int], basis: Basis | None, quarantines: list[Quarantine] | None = None
) -> Household:
    """What the rows of these declarations read besides their own: companions, carers and sampling."""
    members = _by_household(household_members(session, declaration_ids=declaration_ids))
    if quarantines is None:
        quarantines = quarantines_in_force(session, declaration_ids=declaration_ids)
    responsible = responsible_people(session, quarantines)
    progress = sampling_progress(session, declaration_ids=declaration_ids)
    sampled = {d: _sampled(dates, done) for d, dates, done in progress}
    return Household(members, responsible, sampled, basis)


@dataclass(frozen=True)
class Household:
    """What the sheets read per declaration: companions, 包保责任人, 已采样, and how the 依据 is said."""

    members: dict[int, list[HouseholdMember]]
    responsible: dict[int, str]
    sampled: dict[int, str]
    basis: Basis | None


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


def returnee_rows(declarations: list[tuple], household: Household, mask: Mask) -> list[tuple]:
    """One row per returnee and one per person who came back with them (numbered by the stream)."""
    rows = []
    members = household.members
    for declaration, classification, village, risk_list, proxy in declarations:
        trip, measure = _trip(declaration, classification, village, risk_list, household)
        code = CODES.get(declaration.health_code, declaration.health_code)
        phone = mask.phone(declaration.phone)
        rows.append(
            (declaration.name, mask.id_number(declaration.id_number), phone, _proxy(proxy, declaration, mask),
             *trip, code, *measure)
        )  # fmt: skip
        for member in members.get(declaration.id, ()):
            rows.append((_companion(member, declaration), None, phone, None, *trip, None, *measure))
    return rows


def _trip(declaration: Declaration, classification: Classification | None, village: str, risk_list, household):
    """The cells a returnee shares with the people who came with them, before and after the health code (the only
    one of their own)."""
    measure, start, end = _measure(classification)
    explained = classification is not None and household.basis is not None
    reason = household.basis.text(declaration, classification, risk_list) if explained else None
    trip = (village, _origin(declaration), declaration.left_on, declaration.arrived_on, _transport(declaration))
    sampled = household.sampled.get(declaration.id)
    return trip, (measure, start, end, sampled, household.responsible.get(declaration.id, ""), reason)


def _measure(classification: Classification | None) -> tuple:
    if classification is None:
        return UNDECIDED, None, None
    overridden = classification.source == "override"
    measure = classification.disposition + _home_from(classification.home_start_on) + (OVERRIDDEN if overridden else "")
    return measure, classification.start_on, classification.end_on


def _home_from(home_start: dt.date | None) -> str:
    """「（2021-08-17起居家隔离）」 after a central part, as both sheets write it."""
    return CELL.home_from.format(day=home_start.isoformat()) if home_start else ""


def _proxy(proxy: Person | None, declaration: Declaration, mask: Mask) -> str | None:
    """Who declared for the returnee, with their phone; empty when the returnee declared themselves."""
    if proxy is None:
        return None
    name = proxy.name or CELL.nameless
    phone = CELL.phone.format(phone=mask.phone(proxy.phone)) if proxy.phone else ""
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


def quarantine_rows(quarantines: list[tuple], household: Household, mask: Mask) -> list[tuple]:
    """One row per household under an active measure (numbered by the stream)."""
    rows = []
    for record, name, phone, village in quarantines:
        companions = CELL.separator.join(m.name for m in household.members.get(record.declaration_id, ()))
        measure = record.kind + _home_from(record.home_start_on)
        rows.append((
            CELL.with_companions.format(name=name, companions=companions) if companions else name,
            mask.phone(phone),
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


def checkpoint_rows(reports: list[tuple], tz: ZoneInfo, mask: Mask) -> list[tuple]:
    """One row per anomaly reported from a checkpoint, oldest first, in the town's local time."""
    return [
        (
            local_time(report.seen_at, tz),
            village or NO_VILLAGE,
            report.plate,
            report.name,
            mask.phone(report.phone),
            report.origin,
            CODES.get(report.health_code, report.health_code) if report.health_code else None,
            report.people,
            report.action,
            YES if report.declaration_id is not None else NO,
            mask.text(report.text),
        )
        for report, village in reports
    ]
