"""The town's clock: its zone (TIMEZONE), its days and times of day, and dates as people here read them.

Everything that says "today" asks this module, whatever zone `now` comes in: the dialogue, the NLU, the care jobs,
the brief, the risk push. Stored times stay aware UTC; only what is counted in days or shown is local.
A date shown carries its year only when that is not the year of the moment being handled (`handling`), so a job or
message handled with a `now` of its own says its dates as people on that day would read them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from zoneinfo import ZoneInfo

from town.settings import OFFICIAL_TIMEZONE, get_settings
from town.texts import WHEN

# The moment being handled (a message's or a job's `now`): its year is "this year" for the dates said meanwhile.
_handling: ContextVar[dt.datetime | None] = ContextVar("town_clock_handling", default=None)


def zone() -> ZoneInfo:
    """The town's time zone, from the TIMEZONE setting."""
    return _zone(get_settings().timezone)


def official_zone() -> ZoneInfo:
    """Beijing time, in which the national lists and notices give their hours wherever the town is."""
    return _zone(OFFICIAL_TIMEZONE)


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def now() -> dt.datetime:
    """The aware UTC time now."""
    return dt.datetime.now(dt.UTC)


def local(moment: dt.datetime) -> dt.datetime:
    """A moment in the town's zone."""
    return moment.astimezone(zone())


def today(moment: dt.datetime | None = None) -> dt.date:
    """The town's date at that moment (now by default)."""
    return local(moment or now()).date()


def clock_time(value: str | dt.time) -> dt.time:
    """ "19:00" (a setting) as a time of day."""
    if isinstance(value, dt.time):
        return value
    hours, minutes = value.strip().split(":")
    return dt.time(int(hours), int(minutes))


def at(day: dt.date, time: str | dt.time) -> dt.datetime:
    """A time of day ("08:00") on one of the town's days, as an aware datetime."""
    return dt.datetime.combine(day, clock_time(time), zone())


def reached(moment: dt.datetime, time: str | dt.time) -> bool:
    """Whether the town's clock has passed this time of day on that moment's day."""
    return local(moment).time() >= clock_time(time)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """One of the town's days as a UTC interval [start, end)."""
    start = dt.datetime.combine(day, dt.time.min, zone())
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, zone())
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


@contextmanager
def handling(moment: dt.datetime) -> Iterator[None]:
    """Within it, "this year" is the year of that moment (a message's or a job's `now`), not the wall clock's."""
    token = _handling.set(moment)
    try:
        yield
    finally:
        _handling.reset(token)


def this_year() -> int:
    """The town's year at the moment being handled (see `handling`), else now."""
    moment = _handling.get()
    return _year(moment, zone()) if moment is not None else today().year


@lru_cache(maxsize=64)
def _year(moment: dt.datetime, town_zone: ZoneInfo) -> int:
    """A handled moment's year in the zone (a batch says thousands of dates against one moment)."""
    return moment.astimezone(town_zone).year


def day(date: dt.date | None, *, year: int | None = None) -> str:
    """8月4日, or 2021年8月4日 when not this year (`year`: the caller's own this year; empty for no date)."""
    if not date:
        return ""
    if date.year != (year or this_year()):
        return WHEN.day_year.format(year=date.year, month=date.month, day=date.day)
    return WHEN.day.format(month=date.month, day=date.day)


def day_hour(moment: dt.datetime) -> str:
    """8月5日10时, or 8月5日10时30分: how a list's publication time is said (with the year when not this year)."""
    shown = local(moment)
    template = WHEN.hour_minute if shown.minute else WHEN.hour
    year = WHEN.year.format(year=shown.year) if shown.year != this_year() else ""
    return year + template.format(month=shown.month, day=shown.day, hour=shown.hour, minute=shown.minute)


def day_clock(moment: dt.datetime) -> str:
    """8月6日10:00: when something was seen or asked for."""
    shown = local(moment)
    return WHEN.clock.format(month=shown.month, day=shown.day, clock=shown.strftime("%H:%M"))


def hour_minute(moment: dt.datetime) -> str:
    """10:00: the town's time of day of a moment."""
    return local(moment).strftime("%H:%M")
