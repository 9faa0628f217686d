"""The end of a household's care, as jobs: told the day before and on the last day, closed after it.

The record closes at the first run after its last day (so nothing counts it as active the next morning); the
household and the four hear of it only from NOTICE_AT, never at night.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from models.care import ever_cared, release_care
from models.outbox import enqueue, queued_keys
from models.quarantine import CENTRAL, HOME, Quarantine, close_quarantine, ended_between, ending_on, overdue_ids
from models.sql import Sql
from town.care.four import places
from town.care.household import home_ids, home_of, tell_home
from town.care.texts import TEXT
from town.clock import day, reached, today
from town.settings import Settings

# Households and cadres hear of a quarantine's end (and of its closing) from this hour, never at night.
NOTICE_AT = dt.time(9, 0)


def end_notices(session: Session, now: dt.datetime, settings: Settings) -> int:
    """From NOTICE_AT: households whose measure ends tomorrow, and those on their last day, are told."""
    if not reached(now, NOTICE_AT):
        return 0
    sql = Sql(session.connection())
    current = today(now)
    ending = ending_on(session, days=(current, current + dt.timedelta(days=1)))
    # Central isolation alone has no care here: the site tells them.
    todo = [(q, "end-last" if q.end_on == current else "end-eve", d) for q, d in ending if places(q)]
    keys = {q.id: {f"care:{q.id}:{occasion}:{pid}" for pid in home_ids(d)} for q, occasion, d in todo}
    sent = queued_keys(sql, keys=[key for wanted in keys.values() for key in wanted])
    return sum(
        _tell_end(session, sql, q, occasion=occasion, now=now) for q, occasion, _ in todo if not keys[q.id] <= sent
    )


def _tell_end(session, sql: Sql, quarantine: Quarantine, *, occasion: str, now) -> int:
    home = home_of(session, sql, quarantine)
    after = day(quarantine.end_on + dt.timedelta(days=1))
    kind = HOME if quarantine.kind == CENTRAL else quarantine.kind
    still = TEXT.end_still_home if kind == HOME else TEXT.end_still_watch

    def text_for(greeting: str, whose: str, _sender: bool) -> str:
        template = TEXT.end_last if occasion == "end-last" else TEXT.end_eve
        return template.format(
            greeting=greeting, whose=whose, kind=kind, end=day(quarantine.end_on), after=after, still=still
        )

    return tell_home(sql, home, key=f"care:{quarantine.id}:{occasion}", text_for=text_for, now=now)


def close_ended(session: Session, now: dt.datetime, settings: Settings) -> int:
    """After the last day: the record ends and its care is released; from NOTICE_AT the four are told."""
    sql = Sql(session.connection())
    current = today(now)
    closed = 0
    for quarantine_id in overdue_ids(session, before=current):
        if close_quarantine(sql, quarantine_id=quarantine_id, now=now):
            release_care(sql, quarantine_id=quarantine_id, now=now)
            closed += 1
    if reached(now, NOTICE_AT):
        closed += _tell_closed(session, sql, current, now)
    return closed


def _tell_closed(session, sql: Sql, current: dt.date, now) -> int:
    """The four of each record that ended yesterday (or the day before, after downtime) hear it is over."""
    ended = ended_between(session, first=current - dt.timedelta(days=2), before=current)
    by_id = {q.id: q for q in ended}
    if not by_id:
        return 0
    people: dict[int, list[tuple[str, str]]] = {}
    for quarantine_id, person_id, openid in ever_cared(sql, quarantine_ids=list(by_id)):
        people.setdefault(quarantine_id, []).append((f"care:{quarantine_id}:closed:{person_id}", openid))
    sent = queued_keys(sql, keys=[key for told in people.values() for key, _ in told])
    count = 0
    for quarantine_id, told in people.items():
        if {key for key, _ in told} <= sent:
            continue
        text = TEXT.closed.format(**home_of(session, sql, by_id[quarantine_id]).facts())
        for key, openid in told:
            count += enqueue(sql, key=key, recipient_openid=openid, kind="notice", text=text, now=now)
    return count
