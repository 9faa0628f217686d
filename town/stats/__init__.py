"""The day's figures for a set of villages, one line each: what 统计 and the evening brief both show."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Protocol

from sqlmodel import Session

from models.figures import (
    declared_dispositions,
    fever_count,
    measures_by_kind,
    missing_checkins,
    open_question_count,
    open_supply_requests,
    upcoming_events,
)
from models.quarantine import CENTRAL, MEASURES
from town.clock import day as day_text
from town.clock import day_bounds
from town.policy import DISPOSITIONS
from town.settings import Settings
from town.stats.texts import TEXT
from town.texts import EVENT_NAMES
from town.vaccination import coverage, totals


class Reader(Protocol):
    """What the figures are read with: a session, the moment, the settings (a message's context has them)."""

    session: Session
    now: dt.datetime
    settings: Settings


CHECKED_IN_KINDS = tuple(kind for kind in MEASURES if kind != CENTRAL)  # the central site takes temperatures
EVENT_WINDOW_DAYS = 30  # an undated event reported within this many days is still upcoming
_ORDER = {name: i for i, name in enumerate(DISPOSITIONS)}


def _parts(counts: Counter) -> str:
    """「居家隔离2、无需隔离1」: most first, then in the policy's order."""
    if not counts:
        return ""
    order = sorted(counts.items(), key=lambda item: (-item[1], _ORDER.get(item[0], len(_ORDER)), item[0]))
    shown = TEXT.separator.join(TEXT.part.format(name=name, n=n) for name, n in order)
    return TEXT.parts.format(parts=shown)


def declarations(day: Reader, villages: list[int], today: dt.date) -> str:
    """Today's declarations, by the disposition in force."""
    start, end = day_bounds(today)
    counts = Counter(declared_dispositions(day.session, village_ids=villages, start=start, end=end))
    return TEXT.declarations.format(n=sum(counts.values()), parts=_parts(counts))


def quarantines(day: Reader, villages: list[int], today: dt.date) -> str:
    """The measures in force today, by kind."""
    counts = Counter(measures_by_kind(day.session, village_ids=villages, day=today))
    return TEXT.quarantines.format(n=sum(counts.values()), parts=_parts(counts))


def supplies(day: Reader, villages: list[int]) -> str:
    """Supply requests not yet delivered, and how many are past the town's deadlines."""
    accept_by = day.now - dt.timedelta(hours=day.settings.supply_accept_hours)
    deliver_by = day.now - dt.timedelta(hours=day.settings.supply_deliver_hours)
    total, late = open_supply_requests(day.session, village_ids=villages, accept_by=accept_by, deliver_by=deliver_by)
    return TEXT.supplies.format(n=total, late=late)


def checkins(day: Reader, villages: list[int], today: dt.date) -> str:
    """Households at home that have not checked in today."""
    missing = missing_checkins(day.session, village_ids=villages, day=today, kinds=CHECKED_IN_KINDS)
    return TEXT.checkins.format(n=missing)


def fevers(day: Reader, villages: list[int], today: dt.date) -> str:
    """Today's fever reports."""
    start, end = day_bounds(today)
    return TEXT.fevers.format(n=fever_count(day.session, village_ids=villages, start=start, end=end))


def events(day: Reader, villages: list[int], today: dt.date) -> str:
    """Upcoming gatherings, the soonest dated one named."""
    since = day.now - dt.timedelta(days=EVENT_WINDOW_DAYS)
    rows = upcoming_events(day.session, village_ids=villages, today=today, since=since)
    dated = [(e, village) for e, village in rows if e.event_on is not None]
    undated = len(rows) - len(dated)
    shown = ""
    if dated:
        event, village = dated[0]
        guests = TEXT.guests.format(n=event.guests) if event.guests else TEXT.no_guests
        shown = TEXT.next_event.format(
            date=day_text(event.event_on), kind=EVENT_NAMES.get(event.kind, event.kind), village=village, guests=guests
        )
    return TEXT.events.format(n=len(rows), next=shown + (TEXT.undated.format(n=undated) if undated else ""))


def vaccines(day: Reader, villages: list[int]) -> list[str]:
    """Vaccination coverage: the whole, then the age groups that count."""
    rows = coverage(day.session, village_ids=villages)
    if not rows:
        return [TEXT.no_vaccines]
    summed = totals(rows)
    whole = summed[-1]
    lines = [TEXT.vaccines.format(n=whole.registered, first=whole.first_dose, rate=whole.rate, two=whole.two_doses)]
    if len(summed) > 1:
        lines += [
            TEXT.vaccine_group.format(group=r.group_name, n=r.registered, first=r.first_dose, rate=r.rate)
            for r in summed[:-1]
            if r.group in ("12-17", "18+")
        ]
    return lines


def open_questions(day: Reader, villages: list[int]) -> str:
    """Villagers' questions waiting for a cadre's answer."""
    return TEXT.questions.format(n=open_question_count(day.session, village_ids=villages))
