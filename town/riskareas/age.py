"""How old the list in use is: past the policy's RISK_LIST_MAX_AGE_DAYS, everything that uses it says so."""

from __future__ import annotations

import datetime as dt

from town import clock
from town.riskareas.texts import STALE
from town.texts import WHEN


def age_days(published: dt.datetime, now: dt.datetime) -> int:
    """Whole days from the list's publication day to the town's today."""
    return (clock.today(now) - clock.local(published).date()).days


def stale_note(published: dt.datetime | None, now: dt.datetime, max_age_days: int) -> str:
    """「注意：这是2021年8月5日的名单，已经过了N天，可能不是最新的」, or "" for a list young enough (or no time)."""
    if published is None:
        return ""
    days = age_days(published, now)
    if days <= max_age_days:
        return ""
    shown = clock.local(published)
    date = WHEN.day_year.format(year=shown.year, month=shown.month, day=shown.day)
    return STALE.note.format(date=date, days=days)
