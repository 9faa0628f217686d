"""The town command is told once a day while the risk list in use is older than the policy allows.

Due from RISK_PUSH_AT (town time); every alert is keyed by list version, day and recipient, so running it every
minute sends one a day, and none once a newer list is imported.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from models.riskarea import newest_list
from models.sql import Sql
from town import clock
from town.alerts import send_alert
from town.command import town_command
from town.policy import PolicyError, load_policy
from town.policy.rules import MAX_AGE_DAYS
from town.riskareas.age import stale_note
from town.riskareas.texts import STALE
from town.settings import Settings


def max_age_days(settings: Settings) -> int:
    """The policy's RISK_LIST_MAX_AGE_DAYS (the default when the policy file cannot be read)."""
    try:
        return load_policy(settings.policy_file).risk_list_max_age_days
    except PolicyError:
        return MAX_AGE_DAYS


def note(sql: Sql, now: dt.datetime, settings: Settings) -> tuple[int | None, str]:
    """The newest list's id and its stale note ("" when it is young enough or there is none)."""
    latest = newest_list(sql)
    if latest is None:
        return None, ""
    list_id, published = latest
    return list_id, stale_note(published, now, max_age_days(settings))


def job(session: Session, now: dt.datetime, settings: Settings) -> int:
    """The scheduler's job: one alert a day to the town command while the list is stale; how many were queued."""
    if not clock.reached(now, settings.risk_push_at):
        return 0
    sql = Sql(session.connection())
    list_id, text = note(sql, now, settings)
    if not text:
        return 0
    today = clock.today(now).isoformat()
    sent = 0
    for holder in town_command(sql):
        key = f"stale-list:{list_id}:{today}:{holder.person_id}"
        sent += send_alert(sql, key=key, recipient_openid=holder.openid, text=STALE.command.format(note=text), now=now)
    return sent
