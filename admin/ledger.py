"""The town's 台账 as rows: returnees, active quarantines and checkpoint anomalies, read in a few queries."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlmodel import Session

from bot.villages import VillageRef
from models.cadre import CadreAssignment
from models.checkpoint import CheckpointReport
from models.declaration import CURRENT, Classification, Declaration, HouseholdMember
from models.person import Person
from models.quarantine import ACTIVE, Quarantine
from models.town import Village
from town.command import CARERS
from town.texts import ROLE_NAMES

RETURNEES, QUARANTINES, CHECKPOINTS = "返乡人员", "隔离管控", "卡点异常"
RETURNEE_COLUMNS = (
    "序号", "姓名", "身份证号", "联系电话", "所在村", "从何地返回", "返回日期", "交通方式", "健康码",
    "管控措施", "开始日期", "结束日期", "包保责任人", "依据",
)  # fmt: skip
QUARANTINE_COLUMNS = (
    "序号",
    "姓名",
    "联系电话",
    "所在村",
    "管控措施",
    "开始日期",
    "结束日期",
    "核酸采样日期",
    "包保责任人",
)
CHECKPOINT_COLUMNS = (
    "序号", "时间", "卡点/村", "车牌", "姓名", "电话", "从何地来", "健康码", "人数", "处置", "是否已报备", "原文",
)  # fmt: skip
# The people answering for a household, in the order a cadre reads them (issue 6 makes them per household).

CODES = {"green": "绿码", "yellow": "黄码", "red": "红码"}
TRANSPORTS = {"self_drive": "自驾", "train": "高铁/火车", "bus": "大巴", "plane": "飞机", "other": "其他"}
ABROAD, OVERRIDDEN, UNDECIDED, NO_VILLAGE, YES, NO = "境外", "（干部调整）", "待定", "未注明", "是", "否"


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
    session: Session, *, town: str, now: dt.datetime, tz: ZoneInfo, village: VillageRef | None = None
) -> Ledger:
    """The three ledgers of the town, or of one village."""
    village_id = village.id if village else None
    declarations = _declarations(session, village_id)
    quarantines = _quarantines(session, village_id)
    members = _members(session, village_id)
    households = [(d.id, d.village_id) for d, _, _ in declarations] + [
        (q.declaration_id, q.village_id) for q, *_ in quarantines
    ]
    responsible = responsible_people(session, households)
    sheets = (
        Sheet(RETURNEES, RETURNEE_COLUMNS, returnee_rows(declarations, members, responsible)),
        Sheet(QUARANTINES, QUARANTINE_COLUMNS, quarantine_rows(quarantines, members, responsible)),
        Sheet(CHECKPOINTS, CHECKPOINT_COLUMNS, checkpoint_rows(_checkpoints(session, village_id), tz)),
    )
    return Ledger(town, village.name if village else None, now.astimezone(tz), sheets)


def _village_order():
    """Villages in the town file's order: by work area, then as listed."""
    return (Village.work_area_id.asc().nulls_last(), Village.id)


def _declarations(session: Session, village_id: int | None) -> list[tuple]:
    current = and_(Classification.declaration_id == Declaration.id, Classification.status == CURRENT)
    query = (
        select(Declaration, Classification, Village.name)
        .join(Village, Village.id == Declaration.village_id)
        .outerjoin(Classification, current)
        .order_by(*_village_order(), Declaration.arrived_on, Declaration.id)
    )
    if village_id is not None:
        query = query.where(Declaration.village_id == village_id)
    return [tuple(row) for row in session.execute(query)]


def _members(session: Session, village_id: int | None) -> dict[int, list[HouseholdMember]]:
    query = select(HouseholdMember).join(Declaration, Declaration.id == HouseholdMember.declaration_id)
    if village_id is not None:
        query = query.where(Declaration.village_id == village_id)
    members: dict[int, list[HouseholdMember]] = defaultdict(list)
    for member in session.execute(query.order_by(HouseholdMember.id)).scalars():
        members[member.declaration_id].append(member)
    return members


def _quarantines(session: Session, village_id: int | None) -> list[tuple]:
    query = (
        select(Quarantine, Declaration.name, Declaration.phone, Village.name)
        .join(Declaration, Declaration.id == Quarantine.declaration_id)
        .join(Village, Village.id == Quarantine.village_id)
        .where(Quarantine.status == ACTIVE)
        .order_by(*_village_order(), Quarantine.start_on, Quarantine.id)
    )
    if village_id is not None:
        query = query.where(Quarantine.village_id == village_id)
    return [tuple(row) for row in session.execute(query)]


def _checkpoints(session: Session, village_id: int | None) -> list[tuple]:
    query = (
        select(CheckpointReport, Village.name)
        .outerjoin(Village, Village.id == CheckpointReport.village_id)
        .where(CheckpointReport.anomaly.is_(True))
        .order_by(CheckpointReport.seen_at, CheckpointReport.id)
    )
    if village_id is not None:
        query = query.where(CheckpointReport.village_id == village_id)
    return [tuple(row) for row in session.execute(query)]


def responsible_people(session: Session, households: Iterable[tuple[int, int]]) -> dict[int, str]:
    """包保责任人 per household (declaration id → text): for now the village's cadres of CARERS."""
    by_household = dict(households)
    if not by_household:
        return {}
    rows = session.execute(
        select(CadreAssignment.village_id, CadreAssignment.role, Person.name, Person.phone)
        .join(Person, Person.id == CadreAssignment.person_id)
        .where(CadreAssignment.role.in_(CARERS), CadreAssignment.village_id.in_(set(by_household.values())))
        .order_by(CadreAssignment.id)
    ).all()
    people: dict[int, list[tuple]] = defaultdict(list)
    for village_id, role, name, phone in sorted(rows, key=lambda r: CARERS.index(r[1])):
        people[village_id].append((role, name, phone))
    texts = {village_id: "；".join(_person(*p) for p in found) for village_id, found in people.items()}
    return {household: texts.get(village_id, "") for household, village_id in by_household.items()}


def _person(role: str, name: str | None, phone: str | None) -> str:
    return f"{ROLE_NAMES[role]}：{name or '未登记姓名'}" + (f" {phone}" if phone else "")


def returnee_rows(declarations: list[tuple], members: dict, responsible: dict[int, str]) -> list[tuple]:
    """One row per returnee and one per person who came back with them, numbered."""
    rows = []
    for declaration, classification, village in declarations:
        shared = _trip(declaration, classification, village, responsible.get(declaration.id, ""))
        code = CODES.get(declaration.health_code, declaration.health_code)
        rows.append((declaration.name, declaration.id_number, declaration.phone, *shared(code)))
        for member in members.get(declaration.id, ()):
            rows.append((_companion(member, declaration), None, declaration.phone, *shared(None)))
    return [(number, *row) for number, row in enumerate(rows, 1)]


def _trip(declaration: Declaration, classification: Classification | None, village: str, responsible: str):
    """The cells a returnee shares with the people who came with them; only the health code is their own."""
    measure, start, end, reason = _measure(classification)
    origin, arrived, transport = _origin(declaration), declaration.arrived_on, _transport(declaration)
    return lambda code: (village, origin, arrived, transport, code, measure, start, end, responsible, reason)


def _measure(classification: Classification | None) -> tuple:
    if classification is None:
        return UNDECIDED, None, None, None
    overridden = classification.source == "override"
    measure = classification.disposition + (OVERRIDDEN if overridden else "")
    reason = classification.reason
    if overridden and classification.note:
        reason = f"{reason}；干部说明：{classification.note}"
    return measure, classification.start_on, classification.end_on, reason


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
    return f"{label}（{declaration.transport_detail}）" if declaration.transport_detail else label


def _companion(member: HouseholdMember, declaration: Declaration) -> str:
    relation = f"，{member.relation}" if member.relation else ""
    return f"{member.name}（与{declaration.name}同行{relation}）"


def quarantine_rows(quarantines: list[tuple], members: dict, responsible: dict[int, str]) -> list[tuple]:
    """One row per household under an active measure, numbered."""
    rows = []
    for number, (record, name, phone, village) in enumerate(quarantines, 1):
        companions = "、".join(m.name for m in members.get(record.declaration_id, ()))
        measure = record.kind + (f"（{record.home_start_on.isoformat()}起居家隔离）" if record.home_start_on else "")
        rows.append((
            number,
            f"{name}（同行：{companions}）" if companions else name,
            phone,
            village,
            measure,
            record.start_on,
            record.end_on,
            _sampling_dates(record.sampling_dates),
            responsible.get(record.declaration_id, ""),
        ))  # fmt: skip
    return rows


def _sampling_dates(stored: str) -> str:
    try:
        return "、".join(json.loads(stored or "[]"))
    except (TypeError, ValueError):
        return stored  # shown as stored rather than lost


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
