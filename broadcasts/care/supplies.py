"""The supply-request job: a request whose level let a deadline pass climbs the ladder, and the household hears."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from models.sql import Sql
from models.supplies import OPEN, waiting_requests
from town.settings import Settings
from town.supplies import elapsed, escalate, late, person_name, tell_household
from town.supplies.texts import TEXT


def job(session: Session, now: dt.datetime, settings: Settings) -> int:
    """Escalate every request whose level let a deadline pass; how many climbed."""
    sql = Sql(session.connection())
    now = now.astimezone(dt.UTC)
    oldest = now - dt.timedelta(hours=min(settings.supply_accept_hours, settings.supply_deliver_hours))
    waiting = waiting_requests(session, created_before=oldest)
    climbed = 0
    for request in waiting:
        waited = late(request, now, settings)
        if waited is None:
            continue
        if request.status == OPEN:
            why = TEXT.not_accepted.format(elapsed=elapsed(waited))
        else:
            why = TEXT.not_delivered.format(
                who=person_name(sql, request.accepted_by_person_id), elapsed=elapsed(waited)
            )
        if escalate(session, sql, request, why=why, now=now):
            climbed += 1
            tell_household(sql, request, key="handling", text=TEXT.handling.format(number=request.id), now=now)
    return climbed
