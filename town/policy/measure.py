"""The measure as one sentence (「集中隔离11天（8月6日至8月16日），再居家隔离7天（8月17日至8月23日）」).

The one text of a measure: the villager's reason, the cadres' alert and the 台账 all say it from the same dates.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from models.quarantine import HOME
from town.clock import day as clock_day
from town.policy.texts import MEASURE


def describe(
    disposition: str, start: dt.date, end: dt.date | None, home_start: dt.date | None = None, *, year: int | None = None
) -> str:
    """The measure and its days; a central part followed by home days says both parts."""
    return disposition + span(start, end, home_start, year=year)


def span(start: dt.date, end: dt.date | None, home_start: dt.date | None = None, *, year: int | None = None) -> str:
    """「14天（8月5日至8月18日）」, or 「11天（…），再居家隔离7天（…）」 with a home part; empty without an end."""
    if end is None:
        return ""
    if home_start is not None and start < home_start <= end:
        first = _part(start, home_start - dt.timedelta(days=1), year)
        return MEASURE.then.format(first=first, home=HOME, then=_part(home_start, end, year))
    return _part(start, end, year)


def _part(start: dt.date, end: dt.date, year: int | None) -> str:
    day = partial(clock_day, year=year)
    if start == end:
        return MEASURE.one_day.format(day=day(start))
    return MEASURE.part.format(days=(end - start).days + 1, start=day(start), end=day(end))
