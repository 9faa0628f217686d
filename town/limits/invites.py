"""Invite codes cannot be guessed: wrong 绑定 codes are limited per person and town-wide, and a flood is told.

Past INVITE_WRONG_PER_HOUR wrong codes within an hour a person's 绑定 is refused, the right code too, until the
first of them is an hour old. Past INVITE_WRONG_TOWN_PER_HOUR every 绑定 is refused until the hour's count drops
(refusals are not counted, so that is at most an hour), and the town command is alerted once.
"""

from __future__ import annotations

import datetime as dt
import logging

from models.limits import REFUSED, WRONG, record_invite_attempt, wrong_invites_by, wrong_invites_in_town
from models.sql import Sql
from town.alerts import send_alert
from town.clock import local
from town.command import town_command
from town.limits.texts import TEXT
from town.settings import Settings

log = logging.getLogger(__name__)
HOUR = dt.timedelta(hours=1)


def invite_refusal(sql: Sql, *, openid: str, now: dt.datetime, settings: Settings) -> str | None:
    """Why a 绑定 from this person is refused now, or None to try the code."""
    since = now - HOUR
    wrong, first = wrong_invites_by(sql, openid=openid, since=since)
    if wrong >= settings.invite_wrong_per_hour:
        refusal = TEXT.invite_paused.format(until=f"{local(first + HOUR):%H:%M}")
    elif wrong_invites_in_town(sql, since=since)[0] >= settings.invite_wrong_town_per_hour:
        refusal = TEXT.invite_paused_town
    else:
        return None
    record_invite_attempt(sql, openid=openid, outcome=REFUSED, now=now)
    return refusal


def note_wrong_invite(sql: Sql, *, openid: str, now: dt.datetime, settings: Settings) -> None:
    """Keep a wrong code; the one that makes the hour a flood alerts the town command (once an hour)."""
    record_invite_attempt(sql, openid=openid, outcome=WRONG, now=now)
    wrong, people = wrong_invites_in_town(sql, since=now - HOUR)
    if wrong < settings.invite_wrong_town_per_hour:
        return
    text = TEXT.invite_flood.format(wrong=wrong, people=people)
    told = town_command(sql)
    for holder in told:
        send_alert(
            sql,
            key=f"invite-flood:{local(now):%Y%m%d%H}:{holder.openid}",
            recipient_openid=holder.openid,
            text=text,
            now=now,
        )
    if not told:
        log.warning(
            "invite codes are being guessed (%d wrong in an hour) and nobody is bound as the town command", wrong
        )
