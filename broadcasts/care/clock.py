"""The town's clock: days and times of day in Asia/Shanghai, whatever zone `now` comes in."""

from __future__ import annotations

import datetime as dt

from broadcasts.riskareas.entries import SHANGHAI

# A round still due at this hour of its day is missed: the cadres still have the evening to act on it.
MISSED_AT = dt.time(18, 0)
# Households and cadres hear of a quarantine's end (and of its closing) from this hour, never at night.
NOTICE_AT = dt.time(9, 0)


def local(now: dt.datetime) -> dt.datetime:
    """`now` in Asia/Shanghai."""
    return now.astimezone(SHANGHAI)


def today(now: dt.datetime) -> dt.date:
    """The town's date."""
    return local(now).date()


def clock_time(value: str | dt.time) -> dt.time:
    """ "19:00" (a setting) as a time of day."""
    if isinstance(value, dt.time):
        return value
    hours, minutes = value.strip().split(":")
    return dt.time(int(hours), int(minutes))


def reached(now: dt.datetime, at: str | dt.time) -> bool:
    """Whether the town's clock has passed this time of day today."""
    return local(now).time() >= clock_time(at)


def first_sampling_day(now: dt.datetime) -> dt.date:
    """The earliest day a round opened now can still be done: today, or tomorrow once today's rounds are late."""
    return today(now) + dt.timedelta(days=1 if reached(now, MISSED_AT) else 0)
