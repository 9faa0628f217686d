"""The day's checkpoint lists to the town command (at BRIEF_AT): seen but never declared, declared but never seen."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from models.outbox import enqueue
from models.sql import Sql
from town.checkpoints import TEXT, format_lists, reconcile, village_names
from town.clock import today
from town.command import town_command


def send_daily(session: Session, now: dt.datetime, *, day: dt.date | None = None) -> int:
    """The scheduler's job: the day's lists to everyone in the town command, once per day and person."""
    day = day or today(now)
    return _queue(session, now, day, format_lists(reconcile(session, day=day), village_names(session)))


def job(session: Session, now: dt.datetime, settings) -> int:
    """The scheduled form of send_daily (at BRIEF_AT, with the evening brief)."""
    return send_daily(session, now)


def _queue(session: Session, now: dt.datetime, day: dt.date, text: str) -> int:
    sql = Sql(session.connection())
    queued = 0
    for holder in town_command(sql):
        key = f"checkpoint-reconcile:{day.isoformat()}:{holder.person_id}"
        queued += enqueue(sql, key=key, recipient_openid=holder.openid, kind="notice", text=text, now=now)
    return queued


def report(session: Session, *, now: dt.datetime, day: dt.date | None = None, send: bool = False) -> str:
    """What `checkpoint-reconcile` prints: the day's lists, and with send how many were queued."""
    day = day or today(now)
    text = format_lists(reconcile(session, day=day), village_names(session))
    if not send:
        return text
    queued = _queue(session, now, day, text)
    note = TEXT.queued.format(n=queued) if town_command(Sql(session.connection())) else TEXT.no_command
    return f"{text}\n\n{note}"
