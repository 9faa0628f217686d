"""The end of a household's care, as jobs: told the day before and on the last day, closed after it.

The record closes at the first run after its last day (so nothing counts it as active the next morning); the
household and the four hear of it only from NOTICE_AT, never at night.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from models.care import ever_cared, release_care_of
from models.outbox import enqueue_many, queued_among
from models.quarantine import CENTRAL, HOME, close_overdue, ended_between, ending_on
from models.sql import Sql
from town.alerts import NOTICE
from town.care.four import places
from town.care.household import home_ids, homes_of, tell_homes
from town.care.texts import TEXT
from town.clock import at, day, reached, today
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
    sent = set(queued_among(sql, kind=NOTICE, since=at(current, "00:00"), keys=[k for ks in keys.values() for k in ks]))
    todo = [(q, occasion, d) for q, occasion, d in todo if not keys[q.id] <= sent]
    homes = homes_of(session, [(q, d) for q, _, d in todo])
    return tell_homes(sql, [_end_notice(homes[q.id], occasion) for q, occasion, _ in todo], now=now)


def _end_notice(home, occasion: str) -> tuple:
    """(home, key, text_for) of the notice that the measure ends tomorrow, or today."""
    quarantine = home.quarantine
    after = day(quarantine.end_on + dt.timedelta(days=1))
    kind = HOME if quarantine.kind == CENTRAL else quarantine.kind
    still = TEXT.end_still_home if kind == HOME else TEXT.end_still_watch

    def text_for(greeting: str, whose: str, _sender: bool) -> str:
        template = TEXT.end_last if occasion == "end-last" else TEXT.end_eve
        return template.format(
            greeting=greeting, whose=whose, kind=kind, end=day(quarantine.end_on), after=after, still=still
        )

    return home, f"care:{quarantine.id}:{occasion}", text_for


def close_ended(session: Session, now: dt.datetime, settings: Settings) -> int:
    """After the last day: the records end and their care is released; from NOTICE_AT the four are told."""
    sql = Sql(session.connection())
    current = today(now)
    closed = close_overdue(sql, before=current, now=now)
    release_care_of(sql, quarantine_ids=closed, now=now)
    told = _tell_closed(session, sql, current, now) if reached(now, NOTICE_AT) else 0
    return len(closed) + told


def _tell_closed(session, sql: Sql, current: dt.date, now) -> int:
    """The four of each record that ended yesterday (or the day before, after downtime) hear it is over."""
    ended = ended_between(session, first=current - dt.timedelta(days=2), before=current)
    by_id = {q.id: (q, d) for q, d in ended}
    if not by_id:
        return 0
    people: dict[int, list[tuple[str, str]]] = {}
    for quarantine_id, person_id, openid in ever_cared(sql, quarantine_ids=list(by_id)):
        people.setdefault(quarantine_id, []).append((f"care:{quarantine_id}:closed:{person_id}", openid))
    since = at(current - dt.timedelta(days=2), "00:00")
    sent = set(queued_among(sql, kind=NOTICE, since=since, keys=[key for told in people.values() for key, _ in told]))
    people = {q: told for q, told in people.items() if not {key for key, _ in told} <= sent}
    homes = homes_of(session, [by_id[q] for q in people])
    messages = [
        {"key": key, "openid": openid, "kind": NOTICE, "text": TEXT.closed.format(**homes[q].facts())}
        for q, told in people.items()
        for key, openid in told
    ]
    return enqueue_many(sql, messages, now=now)
