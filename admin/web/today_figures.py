"""The Today page's figures for one jurisdiction: one grouped query per figure, shaped for a table and a chart."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlmodel import Session

from admin.web.today_texts import TEXT
from models.figures import measures_by_kind, missing_checkins
from models.quarantine import MEASURES
from models.supplies import ACCEPTED, OPEN
from models.today import (
    CLOSED_FEVER,
    LATE,
    LATE_DAY,
    ON_TIME,
    OPEN_FEVER,
    declarations_by_day,
    declarations_version,
    fevers_by_state,
    supplies_by_state,
)
from models.town import villages_by_work_area
from town.clock import day_bounds, local
from town.policy import DISPOSITIONS
from town.settings import Settings
from town.stats import CHECKED_IN_KINDS
from town.vaccination import Coverage, coverage, totals
from town.vaccination.texts import AGE_GROUPS, UNKNOWN_GROUP

DAYS = 14
FEVER_DAYS = 7  # as long as the chat's 待办 keeps an open fever report (handlers/fever OPEN_FOR)
SUPPLY_STATES = (OPEN, ACCEPTED)
LATENESS = (ON_TIME, LATE, LATE_DAY)
FEVER_STATES = (OPEN_FEVER, CLOSED_FEVER)
AGE_ORDER = (*AGE_GROUPS, None)
# Where a series means good or bad news, its colour says so (others take the chart's palette).
OK_COLOUR, LATE_COLOUR, ALARM_COLOUR = "#2e7d32", "#ef8f00", "#c62828"


@dataclass
class VillageRow:
    """One village's line in the per-village table."""

    id: int | None  # None: reports whose village is not known
    name: str
    quarantines: Counter = field(default_factory=Counter)
    supplies: Counter = field(default_factory=Counter)  # (status, lateness) -> n
    missing: int = 0
    fevers: Counter = field(default_factory=Counter)  # open / closed

    @property
    def waiting(self) -> int:
        return sum(self.supplies.values())

    @property
    def late(self) -> int:
        return sum(n for (_, how), n in self.supplies.items() if how != ON_TIME)

    @property
    def busy(self) -> bool:
        """Whether anything is counted for the village (the charts leave quiet villages out)."""
        return bool(sum(self.quarantines.values()) or self.waiting or self.missing or sum(self.fevers.values()))


@dataclass
class Today:
    """Everything the Today page shows for a jurisdiction."""

    now: dt.datetime
    days: list[dt.date]
    declarations: dict[int, Counter]  # day index -> disposition -> n
    villages: list[VillageRow]
    vaccines: list[Coverage]

    def total(self, attribute: str) -> Counter:
        """A per-village Counter summed over the villages."""
        summed: Counter = Counter()
        for row in self.villages:
            summed.update(getattr(row, attribute))
        return summed

    @property
    def declared_today(self) -> Counter:
        return self.declarations.get(len(self.days) - 1, Counter())

    @property
    def vaccine_totals(self) -> list[Coverage]:
        return totals(self.vaccines, TEXT.whole) if self.vaccines else []

    def numbers(self) -> list[tuple[str, int | str, str]]:
        """The headline numbers, first on the page: (label, value, note)."""
        supplies, fevers = self.total("supplies"), self.total("fevers")
        late = sum(n for (_, how), n in supplies.items() if how != ON_TIME)
        whole = self.vaccine_totals[-1] if self.vaccine_totals else None
        return [
            (TEXT.n_declared, sum(self.declared_today.values()), ""),
            (TEXT.n_quarantines, sum(self.total("quarantines").values()), ""),
            (TEXT.n_supplies, sum(supplies.values()), TEXT.n_late.format(n=late) if late else ""),
            (TEXT.n_missing, sum(row.missing for row in self.villages), ""),
            (TEXT.n_fevers, fevers[OPEN_FEVER], TEXT.n_closed.format(n=fevers[CLOSED_FEVER])),
            _vaccine_number(whole),
        ]

    def supply_chart(self) -> dict:
        """Undelivered requests by state, stacked by how late."""
        counted = self.total("supplies")
        return {
            "colours": [OK_COLOUR, LATE_COLOUR, ALARM_COLOUR],
            "labels": [TEXT.supply_states[state] for state in SUPPLY_STATES],
            "series": [
                {"name": TEXT.lateness[how], "data": [counted[(state, how)] for state in SUPPLY_STATES]}
                for how in LATENESS
            ],
        }

    def charts(self) -> dict:
        """The charts' data (labels and series), passed to the page as JSON; no text is built into script.

        A chart with nothing to show has no labels (the page shows its table alone)."""
        return {
            name: chart if _counted(chart) else {**chart, "labels": []} for name, chart in self.chart_data().items()
        }

    def chart_data(self) -> dict:
        """Every chart's labels and series, empty ones included (the tables read these)."""
        busy = [row for row in self.villages if row.busy]
        return {
            "declarations": {
                "labels": [f"{d.month}/{d.day}" for d in self.days],
                "series": [
                    {"name": kind, "data": [self.declarations.get(i, Counter())[kind] for i in range(len(self.days))]}
                    for kind in _kinds(self.declarations.values(), DISPOSITIONS)
                ],
                "upright": True,  # days run left to right, however many
            },
            "quarantines": _by_village(busy, "quarantines", [(kind, kind) for kind in MEASURES]),
            "supplies": self.supply_chart(),
            "missing": {
                "labels": [row.name for row in busy if row.missing],
                "series": [{"name": TEXT.missing_series, "data": [row.missing for row in busy if row.missing]}],
            },
            "fevers": {
                **_by_village(busy, "fevers", [(state, TEXT.fever_states[state]) for state in FEVER_STATES]),
                "colours": [ALARM_COLOUR, OK_COLOUR],
            },
            "vaccines": _vaccine_chart(self.vaccines),
        }


def _counted(chart: dict) -> bool:
    """Whether any series of the chart holds a number other than nought."""
    return any(value for series in chart["series"] for value in series["data"])


def _vaccine_number(whole: Coverage | None) -> tuple[str, str, str]:
    if whole is None:
        return TEXT.n_vaccines, TEXT.none_number, ""
    return TEXT.n_vaccines, f"{whole.rate}%", TEXT.n_registered.format(n=whole.registered)


def _kinds(counters, order: Collection[str]) -> list[str]:
    """The keys counted anywhere, in the policy's order, unknown ones last."""
    seen = set().union(*[set(c) for c in counters]) if counters else set()
    return [k for k in order if k in seen] + sorted(seen - set(order))


def _by_village(rows: list[VillageRow], attribute: str, series: list[tuple[str, str]]) -> dict:
    shown = [row for row in rows if sum(getattr(row, attribute).values())]
    return {
        "labels": [row.name for row in shown],
        "series": [{"name": name, "data": [getattr(row, attribute)[key] for row in shown]} for key, name in series],
    }


def _vaccine_chart(rows: list[Coverage]) -> dict:
    """Per village, the share with at least one dose in each age group (percent)."""
    villages = list(dict.fromkeys(row.village for row in rows))
    rate = {(row.village, row.group): row.rate for row in rows}
    groups = [group for group in AGE_ORDER if any(row.group == group for row in rows)]
    return {
        "labels": villages,
        "series": [
            {"name": AGE_GROUPS.get(group, UNKNOWN_GROUP), "data": [rate.get((v, group)) for v in villages]}
            for group in groups
        ],
        "percent": True,
    }


def _row(rows: dict, village_id: int | None, villages: Collection[int] | None) -> VillageRow:
    """The village's row; for the whole town, reports whose village is not known get a row of their own."""
    if village_id not in rows and villages is None:
        rows[village_id] = VillageRow(village_id, TEXT.no_village)
    return rows[village_id]


class DeclarationCounts:
    """The fortnight's declarations by day and measure, kept per jurisdiction while no classification is written.

    It is the one figure that reads every declaration of a fortnight (100,000 rows cost a few hundred ms); the
    others read only what is open now. A new declaration, re-classification or override writes a classification
    row and so a new version; a count is also read again after MAX_AGE_S, whatever happens.
    """

    MAX_AGE_S = 60.0
    SIZE = 64

    def __init__(self):
        self._kept: dict[tuple, tuple[float, dict[int, Counter]]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every kept count (the tests empty the tables, and SQLite then gives the same ids again)."""
        with self._lock:
            self._kept.clear()

    def read(self, session: Session, villages, starts: list[dt.datetime], end: dt.datetime) -> dict[int, Counter]:
        key = (frozenset(villages) if villages is not None else None, tuple(starts), declarations_version(session))
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and time.monotonic() - kept[0] < self.MAX_AGE_S:
            return kept[1]
        counted = declarations_by_day(session, villages=villages, starts=starts, end=end)
        with self._lock:
            if len(self._kept) >= self.SIZE:
                self._kept.pop(next(iter(self._kept)))
            self._kept[key] = (time.monotonic(), counted)
        return counted


def read_today(
    session: Session,
    now: dt.datetime,
    settings: Settings,
    villages: Collection[int] | None,
    counts: DeclarationCounts | None = None,
) -> Today:
    """Every figure of the jurisdiction (None: the whole town), one grouped query each (`counts`: the app's kept
    declaration counts, else they are read)."""
    today = local(now).date()
    days = [today - dt.timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    starts = [day_bounds(d)[0] for d in days]
    chosen = list(villages) if villages is not None else None
    town = villages_by_work_area(session)
    rows = {v.id: VillageRow(v.id, v.name) for v in town if chosen is None or v.id in villages}
    for village_id, kinds in measures_by_kind(session, village_ids=chosen, day=today).items():
        rows[village_id].quarantines.update(kinds)
    accept_by = now - dt.timedelta(hours=settings.supply_accept_hours)
    deliver_by = now - dt.timedelta(hours=settings.supply_deliver_hours)
    for (village_id, status, how), n in supplies_by_state(
        session, villages=villages, accept_by=accept_by, deliver_by=deliver_by
    ).items():
        _row(rows, village_id, villages).supplies[(status, how)] += n
    for village_id, n in missing_checkins(session, village_ids=chosen, day=today, kinds=CHECKED_IN_KINDS).items():
        rows[village_id].missing = n
    fever_since = day_bounds(today - dt.timedelta(days=FEVER_DAYS - 1))[0]
    for (village_id, state), n in fevers_by_state(session, villages=villages, since=fever_since).items():
        _row(rows, village_id, villages).fevers[state] += n
    return Today(
        now=now,
        days=days,
        declarations=(counts or DeclarationCounts()).read(session, villages, starts, day_bounds(today)[1]),
        villages=list(rows.values()),
        vaccines=coverage(session, village_ids=chosen),
    )
