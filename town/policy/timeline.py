"""The days of a rule's measure: counted from the arrival home, or from the entry into the country."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.quarantine import HOME
from town.policy.rules import FROM_ENTRY, NO_QUARANTINE, Rule

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Timeline:
    """What is done here: the measure, its days and the sampling days still to come at home."""

    disposition: str
    days: int  # the first part (or the only one)
    home_days: int  # the home part after it (0 when there is none)
    start: dt.date
    end: dt.date | None  # last day, inclusive; None when nothing is left
    home_start: dt.date | None
    samples: tuple[dt.date, ...]
    alert: bool
    reason: str  # the rule's template for this outcome
    port_days: int = 0  # the days of central quarantine done at the port that count


def timeline(rule: Rule, arrived: dt.date, entered: dt.date | None, port_days: int | None) -> Timeline:
    """The rule's days from its day 1: the arrival, or the entry when the rule counts from it."""
    if rule.counted_from == FROM_ENTRY:
        return _from_entry(rule, arrived, entered or arrived, port_days or 0)
    total = rule.days + rule.home_days
    return Timeline(
        disposition=rule.disposition,
        days=rule.days,
        home_days=rule.home_days,
        start=arrived,
        end=arrived + dt.timedelta(days=total - 1) if total else None,
        home_start=arrived + dt.timedelta(days=rule.days) if rule.home_days else None,
        samples=tuple(arrived + dt.timedelta(days=n - 1) for n in rule.nucleic_acid_days),
        alert=rule.alert,
        reason=rule.reason,
    )


def _from_entry(rule: Rule, arrived: dt.date, entered: dt.date, port_days: int) -> Timeline:
    """Central days done at the port count (never more than the days between entry and arrival); the rest of
    the central part is done here from the arrival, then the home days; sampling keeps the rule's days from the
    entry, moved by the days lost between the port and home, and only those from the arrival on."""
    done = max(0, min(port_days, rule.days, (arrived - entered).days))
    left = rule.days - done
    central_end = arrived + dt.timedelta(days=left - 1) if left else entered + dt.timedelta(days=rule.days - 1)
    home_end = central_end + dt.timedelta(days=rule.home_days)
    shift = central_end - (entered + dt.timedelta(days=rule.days - 1))
    samples = tuple(d for n in rule.nucleic_acid_days if (d := entered + shift + dt.timedelta(days=n - 1)) >= arrived)
    if left:
        home_start = central_end + ONE_DAY if rule.home_days else None
        plan = (rule.disposition, left, rule.home_days, arrived, home_end, home_start, samples)
        return Timeline(*plan, rule.alert, rule.reason, done)
    start = max(arrived, central_end + ONE_DAY)
    if rule.home_days and home_end >= start:
        days = (home_end - start).days + 1
        return Timeline(HOME, days, 0, start, home_end, None, samples, False, rule.reason_home, done)
    return Timeline(NO_QUARANTINE, 0, 0, arrived, None, None, (), False, rule.reason_done, done)
