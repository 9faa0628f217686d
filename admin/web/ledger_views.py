"""How each ledger's rows read on the page: a few short cells per row, the person they link to, masked as needed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Row

from admin.ledger.texts import CODES, FEVER_SOURCES
from admin.masking import Mask
from admin.web.ledger_texts import CELL, COLUMNS, QUARANTINE_STATUS, STATES
from town.supplies import items_text
from town.texts import EVENT_NAMES
from town.vaccination.texts import AGE_GROUPS


@dataclass(frozen=True)
class Shown:
    """One row as the page shows it: the name that links to the person, and (header, text) cells."""

    id: int
    person_id: int | None
    name: str
    cells: list[tuple[str, str]]


@dataclass(frozen=True)
class Reading:
    """What a row's cells are read against: the masking, the town's zone and today."""

    mask: Mask
    tz: ZoneInfo
    today: dt.date


def show_rows(kind: str, rows: list[Row], reading: Reading) -> list[Shown]:
    """The page's rows of a ledger."""
    view = VIEWS[kind]
    return [Shown(row.id, row.person_id, view.name(row, reading), _cells(view.cells(row, reading))) for row in rows]


def _cells(pairs: list[tuple[str, object]]) -> list[tuple[str, str]]:
    return [(header, "" if value is None else str(value)) for header, value in pairs]


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: dt.datetime | None, tz: ZoneInfo) -> str | None:
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _origin(row: Row) -> str:
    if row.abroad:
        return CELL.abroad
    parts = (row.origin_province, row.origin_city, row.origin_district, row.origin_township)
    return "".join(p for i, p in enumerate(parts) if p and p not in parts[:i])


def _returnee(row: Row, r: Reading) -> list[tuple[str, object]]:
    measure = row.disposition or CELL.undecided
    if row.end_on:
        measure += f"（{CELL.until.format(day=_day(row.end_on))}）"
    return [
        (COLUMNS.village, row.village), (COLUMNS.phone, r.mask.phone(row.phone)),
        (COLUMNS.id_number, r.mask.id_number(row.id_number)), (COLUMNS.origin, _origin(row)),
        (COLUMNS.arrived, _day(row.arrived_on)), (COLUMNS.code, CODES.get(row.health_code, row.health_code)),
        (COLUMNS.measure, measure),
    ]  # fmt: skip


def _planned(stored: str) -> int:
    try:
        dates = json.loads(stored or "[]")
    except (TypeError, ValueError):
        return 0
    return len(dates) if isinstance(dates, list) else 0


def _quarantine(row: Row, r: Reading) -> list[tuple[str, object]]:
    home = CELL.home_from.format(day=_day(row.home_start_on)) if row.home_start_on else ""
    period = f"{_day(row.start_on)} ~ {_day(row.end_on)}"
    sampling = CELL.sampled.format(done=row.rounds_done, total=_planned(row.sampling_dates))
    if row.next_due:
        sampling += "，" + CELL.next_due.format(day=_day(row.next_due))
    return [
        (COLUMNS.village, row.village), (COLUMNS.phone, r.mask.phone(row.phone)), (COLUMNS.measure, row.kind + home),
        (COLUMNS.period, period), (COLUMNS.sampling, sampling),
        (COLUMNS.status, QUARANTINE_STATUS.get(row.status, row.status)),
    ]  # fmt: skip


def _items(stored: str) -> str:
    try:
        return items_text(json.loads(stored or "[]"))
    except (TypeError, ValueError, KeyError, AttributeError):
        return stored


def _supply(row: Row, r: Reading) -> list[tuple[str, object]]:
    status = STATES["supplies"].get(row.status, row.status)
    if row.status in ("open", "accepted"):
        created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
        waited = (r.today - created.astimezone(r.tz).date()).days
        status += f"，{CELL.late_days.format(days=waited)}" if waited > 0 else ""
    items = (f"【{CELL.urgent}】" if row.urgent else "") + _items(row.items)
    return [
        (COLUMNS.village, row.village or CELL.no_village), (COLUMNS.phone, r.mask.phone(row.phone)),
        (COLUMNS.items, items), (COLUMNS.note, r.mask.text(row.note)), (COLUMNS.asked, _time(row.created_at, r.tz)),
        (COLUMNS.status, status), (COLUMNS.text, r.mask.text(row.text)),
    ]  # fmt: skip


def _fever(row: Row, r: Reading) -> list[tuple[str, object]]:
    state = STATES["fevers"]["closed" if row.closed_at else "open"]
    return [
        (COLUMNS.village, row.village or CELL.no_village), (COLUMNS.phone, r.mask.phone(row.phone)),
        (COLUMNS.patient, row.patient), (COLUMNS.temperature, CELL.degrees.format(t=row.temperature) if
                                         row.temperature else None),
        (COLUMNS.symptoms, row.symptoms), (COLUMNS.reported, _time(row.created_at, r.tz)),
        (COLUMNS.status, f"{state}（{FEVER_SOURCES.get(row.source, row.source)}）"),
        (COLUMNS.outcome, r.mask.text(row.outcome)), (COLUMNS.text, r.mask.text(row.text)),
    ]  # fmt: skip


def _event(row: Row, r: Reading) -> list[tuple[str, object]]:
    return [
        (COLUMNS.village, row.village or CELL.no_village), (COLUMNS.phone, r.mask.phone(row.phone)),
        (COLUMNS.kind, EVENT_NAMES.get(row.kind, row.kind)), (COLUMNS.day, _day(row.event_on)),
        (COLUMNS.guests, CELL.guests.format(n=row.guests) if row.guests else None), (COLUMNS.place, row.place),
        (COLUMNS.text, r.mask.text(row.text)),
    ]  # fmt: skip


def _vaccination(row: Row, r: Reading) -> list[tuple[str, object]]:
    return [
        (COLUMNS.village, row.village or CELL.no_village), (COLUMNS.id_number, r.mask.id_number(row.id_number)),
        (COLUMNS.age, AGE_GROUPS.get(row.age_group or "", row.age_group)),
        (COLUMNS.doses, CELL.doses.format(n=row.doses)), (COLUMNS.last_dose, _day(row.last_dose_on)),
        (COLUMNS.phone, r.mask.phone(row.phone)),
    ]  # fmt: skip


def _checkpoint(row: Row, r: Reading) -> list[tuple[str, object]]:
    kind = CELL.anomaly if row.anomaly else CELL.sighting
    declared = CELL.declared if row.declaration_id is not None else CELL.undeclared
    return [
        (COLUMNS.seen, _time(row.seen_at, r.tz)), (COLUMNS.village, row.village or CELL.no_village),
        (COLUMNS.status, f"{kind}，{declared}"), (COLUMNS.plate, row.plate), (COLUMNS.phone, r.mask.phone(row.phone)),
        (COLUMNS.code, CODES.get(row.health_code, row.health_code) if row.health_code else None),
        (COLUMNS.guests, CELL.people.format(n=row.people) if row.people else None), (COLUMNS.action, row.action),
        (COLUMNS.text, r.mask.text(row.text)),
    ]  # fmt: skip


@dataclass(frozen=True)
class View:
    """A ledger's row: the name shown (and linked), and its other cells."""

    name: Callable[[Row, Reading], str]
    cells: Callable[[Row, Reading], list[tuple[str, object]]]


def _named(column: str) -> Callable[[Row, Reading], str]:
    return lambda row, _r: getattr(row, column) or CELL.nameless


VIEWS = {
    "returnees": View(_named("name"), _returnee),
    "quarantines": View(_named("name"), _quarantine),
    "supplies": View(_named("name"), _supply),
    "fevers": View(_named("name"), _fever),
    "events": View(_named("name"), _event),
    "vaccination": View(_named("name"), _vaccination),
    "checkpoints": View(lambda row, _r: row.name or row.plate or CELL.nameless, _checkpoint),
}
