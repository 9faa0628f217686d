"""When a scheduled job runs: `every(seconds)` or `daily("HH:MM[,HH:MM]")`, made into APScheduler triggers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger


@dataclass(frozen=True)
class Every:
    """Every so many seconds (a job that decides for itself what is due); at_start: first as soon as registered."""

    seconds: float
    at_start: bool = False

    def trigger(self, tz: dt.tzinfo) -> BaseTrigger:
        """The APScheduler trigger in the town's time zone."""
        return IntervalTrigger(seconds=self.seconds, timezone=tz)

    def __str__(self) -> str:
        return f"every {self.seconds:g}s"


@dataclass(frozen=True)
class Daily:
    """Every day at these times of day in the town's time zone."""

    times: tuple[dt.time, ...]
    at_start = False  # a daily job runs at its times only

    def trigger(self, tz: dt.tzinfo) -> BaseTrigger:
        """One cron trigger per time (an OrTrigger when there are several)."""
        crons = [CronTrigger(hour=t.hour, minute=t.minute, timezone=tz) for t in self.times]
        return crons[0] if len(crons) == 1 else OrTrigger(crons)

    def __str__(self) -> str:
        return "daily " + ",".join(t.strftime("%H:%M") for t in self.times)


def every(seconds: float, *, at_start: bool = False) -> Every:
    """Run every `seconds` seconds (the first time at once when at_start; a stored job keeps its next run)."""
    if seconds <= 0:
        raise ValueError(f"an interval must be positive, got {seconds}")
    return Every(float(seconds), at_start)


def daily(times: str) -> Daily:
    """Run daily at "HH:MM" or "HH:MM,HH:MM" (a setting's value), in the town's time zone."""
    parts = [part.strip() for part in times.split(",")]
    if not all(re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", part) for part in parts):
        raise ValueError(f'daily times must be "HH:MM[,HH:MM]", got {times!r}')
    return Daily(tuple(sorted({dt.time.fromisoformat(part) for part in parts})))
