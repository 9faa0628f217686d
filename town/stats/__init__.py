"""The day's figures for a set of villages, one line each: what 统计 and the evening brief both show.

The brief reads every village at once (`read`, one grouped query per figure) and sums each village's share;
统计 reads one figure at a time with the same queries, filtered to the cadre's villages.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from sqlmodel import Session

from models.event import EventReport
from models.fever import OPEN_FOR as FEVER_OPEN_FOR
from models.figures import (
    Counts,
    declared_dispositions,
    fever_count,
    measures_by_kind,
    missing_checkins,
    open_fever_count,
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
from town.vaccination import Coverage, coverage, totals


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


@dataclass
class Figures:
    """The day's figures of every village (or of a jurisdiction), one grouped query each; the lines sum villages."""

    dispositions: Counts
    measures: Counts
    supplies: dict[int, tuple[int, int]]
    missing: Counter
    fevers: Counter
    events: list[tuple[EventReport, str]]
    vaccines: list[Coverage]
    questions: Counter
    open_fevers: Counter = field(default_factory=Counter)

    def lines(self, villages: list[int], names: dict[int, str]) -> dict[str, str | list[str]]:
        """The lines of these villages (`names`: every village's name, for the coverage rows)."""
        mine, named = set(villages), {names.get(v) for v in villages}
        return {
            "declarations": declarations_line(_sum(self.dispositions, mine)),
            "quarantines": quarantines_line(_sum(self.measures, mine)),
            "supplies": supplies_line(self.supplies, mine),
            "checkins": TEXT.checkins.format(n=sum(self.missing[v] for v in mine)),
            "fevers": fevers_line(sum(self.fevers[v] for v in mine), sum(self.open_fevers[v] for v in mine)),
            "events": events_line([(e, name) for e, name in self.events if e.village_id in mine]),
            "vaccines": vaccines_line([r for r in self.vaccines if r.village in named]),
            "questions": TEXT.questions.format(n=sum(self.questions[v] for v in mine)),
        }


def read(day: Reader, today: dt.date, village_ids: list[int] | None = None) -> Figures:
    """Every figure of the day, per village: of all villages, or of `village_ids`."""
    start, end = day_bounds(today)
    session, now, settings = day.session, day.now, day.settings
    accept_by = now - dt.timedelta(hours=settings.supply_accept_hours)
    deliver_by = now - dt.timedelta(hours=settings.supply_deliver_hours)
    return Figures(
        dispositions=declared_dispositions(session, village_ids=village_ids, start=start, end=end),
        measures=measures_by_kind(session, village_ids=village_ids, day=today),
        supplies=open_supply_requests(session, village_ids=village_ids, accept_by=accept_by, deliver_by=deliver_by),
        missing=missing_checkins(session, village_ids=village_ids, day=today, kinds=CHECKED_IN_KINDS),
        fevers=fever_count(session, village_ids=village_ids, start=start, end=end),
        events=upcoming_events(session, village_ids=village_ids, today=today, since=_event_since(now)),
        vaccines=coverage(session, village_ids=village_ids),
        questions=open_question_count(session, village_ids=village_ids),
        open_fevers=open_fever_count(session, village_ids=village_ids, since=now - FEVER_OPEN_FOR),
    )


def _sum(counts: Counts, villages: set[int]) -> Counter:
    summed: Counter = Counter()
    for village_id in villages & counts.keys():
        summed.update(counts[village_id])
    return summed


def _event_since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=EVENT_WINDOW_DAYS)


def declarations_line(counts: Counter) -> str:
    """Today's declarations, by the disposition in force."""
    return TEXT.declarations.format(n=sum(counts.values()), parts=_parts(counts))


def quarantines_line(counts: Counter) -> str:
    """The measures in force today, by kind."""
    return TEXT.quarantines.format(n=sum(counts.values()), parts=_parts(counts))


def supplies_line(found: dict[int, tuple[int, int]], villages: set[int]) -> str:
    """Supply requests not yet delivered, and how many are past the town's deadlines."""
    mine = [found[v] for v in villages & found.keys()]
    return TEXT.supplies.format(n=sum(total for total, _ in mine), late=sum(late for _, late in mine))


def fevers_line(today: int, still_open: int) -> str:
    """Today's fever reports, and those (of the last week) nobody has followed up yet."""
    return TEXT.fevers.format(n=today) + (TEXT.fevers_open.format(n=still_open) if still_open else "")


def events_line(rows: list[tuple[EventReport, str]]) -> str:
    """Upcoming gatherings, the soonest dated one named."""
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


def vaccines_line(rows: list[Coverage]) -> list[str]:
    """Vaccination coverage: the whole, then the age groups that count."""
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


# One figure of a jurisdiction (统计): the same grouped queries, filtered to its villages.


def declarations(day: Reader, villages: list[int], today: dt.date) -> str:
    """Today's declarations, by the disposition in force."""
    start, end = day_bounds(today)
    counts = declared_dispositions(day.session, village_ids=villages, start=start, end=end)
    return declarations_line(_sum(counts, set(villages)))


def quarantines(day: Reader, villages: list[int], today: dt.date) -> str:
    """The measures in force today, by kind."""
    return quarantines_line(_sum(measures_by_kind(day.session, village_ids=villages, day=today), set(villages)))


def supplies(day: Reader, villages: list[int]) -> str:
    """Supply requests not yet delivered, and how many are past the town's deadlines."""
    accept_by = day.now - dt.timedelta(hours=day.settings.supply_accept_hours)
    deliver_by = day.now - dt.timedelta(hours=day.settings.supply_deliver_hours)
    found = open_supply_requests(day.session, village_ids=villages, accept_by=accept_by, deliver_by=deliver_by)
    return supplies_line(found, set(villages))


def checkins(day: Reader, villages: list[int], today: dt.date) -> str:
    """Households at home that have not checked in today."""
    missing = missing_checkins(day.session, village_ids=villages, day=today, kinds=CHECKED_IN_KINDS)
    return TEXT.checkins.format(n=sum(missing.values()))


def fevers(day: Reader, villages: list[int], today: dt.date) -> str:
    """Today's fever reports."""
    start, end = day_bounds(today)
    made = fever_count(day.session, village_ids=villages, start=start, end=end)
    still_open = open_fever_count(day.session, village_ids=villages, since=day.now - FEVER_OPEN_FOR)
    return fevers_line(sum(made.values()), sum(still_open.values()))


def events(day: Reader, villages: list[int], today: dt.date) -> str:
    """Upcoming gatherings, the soonest dated one named."""
    return events_line(upcoming_events(day.session, village_ids=villages, today=today, since=_event_since(day.now)))


def vaccines(day: Reader, villages: list[int]) -> list[str]:
    """Vaccination coverage: the whole, then the age groups that count."""
    return vaccines_line(coverage(day.session, village_ids=villages))


def open_questions(day: Reader, villages: list[int]) -> str:
    """Villagers' questions waiting for a cadre's answer."""
    return TEXT.questions.format(n=sum(open_question_count(day.session, village_ids=villages).values()))
