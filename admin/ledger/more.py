"""The 台账's sheets beside the first three: 发热, 物资, 红白事 and 疫苗, each streamed in chunks."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from zoneinfo import ZoneInfo

from sqlmodel import Session

from admin.ledger.sheet import Sheet, local_time, numbered
from admin.ledger.texts import (
    EVENT_COLUMNS,
    EVENTS,
    FEVER_COLUMNS,
    FEVER_SOURCES,
    FEVER_STATES,
    FEVERS,
    NO,
    NO_VILLAGE,
    SUPPLIES,
    SUPPLY_COLUMNS,
    SUPPLY_STATES,
    VACCINE_COLUMNS,
    VACCINES,
    YES,
)
from admin.masking import Mask
from models.ledger import event_reports, fever_reports, supply_requests, vaccinations
from town.supplies import items_text
from town.texts import EVENT_NAMES
from town.vaccination.texts import AGE_GROUPS


def fever_sheet(session: Session, scope: Collection[int] | None, tz: ZoneInfo, mask: Mask):
    """发热: every report, oldest first, with whether and how it was followed up."""

    def rows() -> Iterator[tuple]:
        for chunk in fever_reports(session, villages=scope):
            for report, name, phone, village in chunk:
                state = FEVER_STATES["closed" if report.closed_at else "open"]
                yield (
                    local_time(report.created_at, tz), village or NO_VILLAGE, name, mask.phone(phone), report.name,
                    report.temperature, report.symptoms, FEVER_SOURCES.get(report.source, report.source), state,
                    local_time(report.closed_at, tz), mask.text(report.outcome), mask.text(report.text),
                )  # fmt: skip

    return Sheet(FEVERS, FEVER_COLUMNS, numbered(rows()))


def supply_sheet(session: Session, scope: Collection[int] | None, tz: ZoneInfo, mask: Mask):
    """物资: every request, oldest first, each step with its time."""

    def rows() -> Iterator[tuple]:
        for chunk in supply_requests(session, villages=scope):
            for request, name, phone, village, taker in chunk:
                yield (
                    request.id, local_time(request.created_at, tz), village or NO_VILLAGE, name, mask.phone(phone),
                    _items(request.items), YES if request.urgent else NO, mask.text(request.note),
                    SUPPLY_STATES.get(request.status, request.status), taker, local_time(request.accepted_at, tz),
                    local_time(request.delivered_at, tz), local_time(request.received_at, tz), mask.text(request.text),
                )  # fmt: skip

    return Sheet(SUPPLIES, SUPPLY_COLUMNS, numbered(rows()))


def _items(stored: str) -> str:
    """「米2袋、油1桶」, or the stored text when it is not the list it should be."""
    try:
        return items_text(json.loads(stored or "[]"))
    except (TypeError, ValueError, KeyError, AttributeError):
        return stored


def event_sheet(session: Session, scope: Collection[int] | None, tz: ZoneInfo, mask: Mask):
    """红白事: every gathering reported, by its day."""

    def rows() -> Iterator[tuple]:
        for chunk in event_reports(session, villages=scope):
            for report, name, phone, village in chunk:
                yield (
                    local_time(report.created_at, tz), village or NO_VILLAGE, name, mask.phone(phone),
                    EVENT_NAMES.get(report.kind, report.kind), report.event_on, report.guests, report.place,
                    mask.text(report.text),
                )  # fmt: skip

    return Sheet(EVENTS, EVENT_COLUMNS, numbered(rows()))


def vaccination_sheet(session: Session, scope: Collection[int] | None, tz: ZoneInfo, mask: Mask):
    """疫苗: one row per person registered, by village."""

    def rows() -> Iterator[tuple]:
        for chunk in vaccinations(session, villages=scope):
            for row, phone, village in chunk:
                yield (
                    village or NO_VILLAGE, row.name, mask.id_number(row.id_number),
                    AGE_GROUPS.get(row.age_group or "", row.age_group), row.doses, row.last_dose_on,
                    mask.phone(phone), local_time(row.created_at, tz),
                )  # fmt: skip

    return Sheet(VACCINES, VACCINE_COLUMNS, numbered(rows()))
