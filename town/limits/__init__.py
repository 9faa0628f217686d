"""How much one person may send: past MESSAGES_PER_MINUTE a message is kept but not handled.

The count is one indexed query capped at the limit (models/limits.py), run before the dialogue engine; a flood
costs each message that query instead of the NLU, a handler and alerts. The sender hears it once a minute.
"""

from __future__ import annotations

import datetime as dt

from models.limits import recent_messages, tell_once
from models.sql import Sql
from town.alerts import who_is
from town.command import next_up
from town.limits.texts import TEXT

MINUTE = dt.timedelta(minutes=1)
TOO_FAST = "messages_per_minute"

__all__ = ["TEXT", "too_fast"]


def too_fast(sql: Sql, *, openid: str, now: dt.datetime, per_minute: int) -> tuple[bool, str | None]:
    """Whether this (stored) message is past the limit, and what to say: once a minute, else nothing."""
    if per_minute <= 0:
        return False, None
    if recent_messages(sql, openid=openid, since=now - MINUTE, cap=per_minute + 1) <= per_minute:
        return False, None
    if not tell_once(sql, openid=openid, kind=TOO_FAST, now=now, since=now - MINUTE):
        return True, None
    return True, _slow_down(sql, openid)


def _slow_down(sql: Sql, openid: str) -> str:
    """Slow down, and whom to phone if it is urgent (their village cadre, or whoever is above them)."""
    above = next_up(sql, openid)
    if above is None:
        return TEXT.too_fast_no_phone
    who, phone = who_is(sql, above)
    return TEXT.too_fast.format(who=who, phone=phone) if phone else TEXT.too_fast_no_phone
