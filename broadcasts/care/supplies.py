"""The supply-request job: a request whose level let a deadline pass climbs the ladder, and the household hears."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlmodel import Session

from models.sql import Sql
from models.supplies import ACCEPTED, OPEN, SupplyRequest
from town.settings import Settings
from town.supplies import TEXT, elapsed, escalate, late, person_name, tell_household


def job(session: Session, now: dt.datetime, settings: Settings) -> int:
    """Escalate every request whose level let a deadline pass; how many climbed."""
    sql = Sql(session.connection())
    now = now.astimezone(dt.UTC)
    oldest = now - dt.timedelta(hours=min(settings.supply_accept_hours, settings.supply_deliver_hours))
    waiting = session.execute(
        select(SupplyRequest)
        .where(SupplyRequest.status.in_((OPEN, ACCEPTED)), SupplyRequest.created_at <= oldest)
        .order_by(SupplyRequest.id)
        .with_for_update(skip_locked=True)
    ).scalars()
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
