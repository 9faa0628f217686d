"""The supply-request job: a request whose level let a deadline pass climbs the ladder, and the household hears."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from models.person import names_of
from models.sql import Sql
from models.supplies import OPEN, waiting_requests
from town.settings import Settings
from town.supplies import elapsed, escalate_many, late
from town.supplies.texts import TEXT


def job(session: Session, now: dt.datetime, settings: Settings) -> int:
    """Escalate every request whose level let a deadline pass; how many climbed. One read of the waiting requests,
    of who accepted them, of the ladder and of the households, however many there are."""
    sql = Sql(session.connection())
    now = now.astimezone(dt.UTC)
    oldest = now - dt.timedelta(hours=min(settings.supply_accept_hours, settings.supply_deliver_hours))
    due = [(request, waited) for request in waiting_requests(session, created_before=oldest)
           if (waited := late(request, now, settings)) is not None]  # fmt: skip
    accepted = names_of(sql, person_ids=sorted({r.accepted_by_person_id for r, _ in due if r.accepted_by_person_id}))
    late_ones = []
    for request, waited in due:
        if request.status == OPEN:
            why = TEXT.not_accepted.format(elapsed=elapsed(waited))
        else:
            who = accepted.get(request.accepted_by_person_id) or TEXT.someone
            why = TEXT.not_delivered.format(who=who, elapsed=elapsed(waited))
        late_ones.append((request, why))
    return len(escalate_many(session, sql, late_ones, now=now)) if late_ones else 0
