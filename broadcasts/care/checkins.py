"""Daily check-in jobs: remind each household in the morning and at noon, alert its responsible people at night.

A day is one of the town's days. Every message is keyed by day and recipient, so the jobs may run every minute;
each run reads the day's accounts, then goes through them a chunk per transaction (CHUNK accounts: each chunk's
households, check-ins, reminders and carers read once, its messages queued with one executemany and committed with
it), so no run holds a transaction for long and its statements grow with the chunks, not the households.
The noon reminder and the evening alert follow only a morning reminder sent before noon: a household whose
measure began in the afternoon is reminded once that day, and nobody is alerted about a household never reminded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import groupby

from sqlalchemy import Engine
from sqlmodel import Session

from broadcasts.scheduler import own_transactions
from models.cadre import Holder
from models.care import care_holders_of, carers_in_force
from models.db import transaction
from models.outbox import enqueue_many, queued_among
from models.quarantine import accounts_on
from models.sql import Sql
from town.alerts import ALERT
from town.checkins import Household, households, how_to_report, missing, responsible
from town.checkins.texts import TEXT
from town.clock import at, local, today
from town.clock import day as day_text
from town.settings import Settings

MORNING_ENDS = 11  # after this hour a reminder does not say 早上好
CHUNK = 1000  # accounts per transaction: a county's day (~10,000 households at 1M people) in ten short ones
Range = tuple[int, int] | None  # the first and last account id of a chunk (None: every account at once)


def _accounts(session: Session, day: dt.date, chunk: Range) -> tuple[list[list[Household]], dict[int, list[str]]]:
    """The households the village reminds today (of these accounts), grouped by the account that reports for them;
    and who in each has not been reported on yet (one read of the check-ins for all)."""
    homes = [h for h in households(session, day=day, accounts=chunk) if h.reminded_on(day)]
    gaps = missing(session, homes, day, whole_day=chunk is None)
    return [list(group) for _, group in groupby(homes, key=lambda h: h.account_id)], gaps


def _morning_key(day: dt.date, account_id: int) -> str:
    return f"checkin:{day.isoformat()}:remind:{account_id}"


def _second_key(day: dt.date, account_id: int) -> str:
    return f"checkin:{day.isoformat()}:second:{account_id}"


def _queued(sql: Sql, day: dt.date, keys, kind: str = "notice") -> dict[str, dt.datetime]:
    """Which of these messages were already queued today, by key, with when (read by key: the day's outbox may
    hold a push's or an announcement's hundreds of thousands of notices)."""
    return queued_among(sql, kind=kind, since=at(day, "00:00"), keys=keys)


def _mornings(sql: Sql, day: dt.date, accounts: list[list[Household]]) -> dict[str, dt.datetime]:
    """The morning reminders queued today to these accounts."""
    return _queued(sql, day, [_morning_key(day, homes[0].account_id) for homes in accounts])


def _reminded_before(reminded: dict[str, dt.datetime], day: dt.date, account_id: int, deadline: dt.datetime) -> bool:
    sent = reminded.get(_morning_key(day, account_id))
    return sent is not None and sent < deadline


def _names(homes: list[Household], gaps: dict[int, list[str]]) -> list[str]:
    return [name for h in homes for name in gaps[h.quarantine_id]]


def _message(key: str, openid: str, text: str, kind: str = "notice") -> dict:
    return {"key": key, "openid": openid, "kind": kind, "text": text}


def _morning_due(now: dt.datetime, settings: Settings) -> bool:
    day = today(now)
    return at(day, settings.checkin_remind_at) <= now < at(day, settings.checkin_alert_at)


def _second_due(now: dt.datetime, settings: Settings) -> bool:
    day = today(now)
    return at(day, settings.checkin_second_at) <= now < at(day, settings.checkin_alert_at)


def _alert_due(now: dt.datetime, settings: Settings) -> bool:
    return now >= at(today(now), settings.checkin_alert_at)


def remind_morning(session: Session, now: dt.datetime, settings: Settings, chunk: Range = None) -> int:
    """From CHECKIN_REMIND_AT (until the evening alert): remind each household that has not reported yet."""
    day = today(now)
    if not _morning_due(now, settings):
        return 0
    sql = Sql(session.connection())
    accounts, gaps = _accounts(session, day, chunk)
    done, messages = _mornings(sql, day, accounts), []
    for homes in accounts:
        names, key = _names(homes, gaps), _morning_key(day, homes[0].account_id)
        if not names or key in done:
            continue
        when = homes[0].when(day) if len(homes) == 1 else "\n" + "".join(h.when(day, TEXT.when_line) for h in homes)
        listed = TEXT.names.format(names=TEXT.separator.join(names)) if len(names) > 1 or homes[0].members else ""
        hello = TEXT.hello_morning if local(now).hour < MORNING_ENDS else TEXT.hello
        text = TEXT.remind.format(hello=hello, when=when, names=listed, how=how_to_report(homes, names))
        messages.append(_message(key, homes[0].openid, text))
    return enqueue_many(sql, messages, now=now)


def remind_second(session: Session, now: dt.datetime, settings: Settings, chunk: Range = None) -> int:
    """From CHECKIN_SECOND_AT: remind again, naming who is still missing, a household reminded this morning."""
    day = today(now)
    noon = at(day, settings.checkin_second_at)
    if not _second_due(now, settings):
        return 0
    sql = Sql(session.connection())
    accounts, gaps = _accounts(session, day, chunk)
    reminded = _mornings(sql, day, accounts)
    done = _queued(sql, day, [_second_key(day, homes[0].account_id) for homes in accounts])
    messages = []
    for homes in accounts:
        names, key = _names(homes, gaps), _second_key(day, homes[0].account_id)
        if not names or key in done or not _reminded_before(reminded, day, homes[0].account_id, noon):
            continue
        alone = len(homes) == 1 and homes[0].people == [homes[0].returnee] and not homes[0].proxy
        text = TEXT.second.format(
            names=TEXT.you if alone else TEXT.separator.join(names), how=how_to_report(homes, names)
        )
        messages.append(_message(key, homes[0].openid, text))
    return enqueue_many(sql, messages, now=now)


def alert_missed(session: Session, now: dt.datetime, settings: Settings, chunk: Range = None) -> int:
    """From CHECKIN_ALERT_AT: tell the responsible people of each household still missing a check-in."""
    day = today(now)
    if not _alert_due(now, settings):
        return 0
    sql = Sql(session.connection())
    noon = at(day, settings.checkin_second_at)
    accounts, gaps = _accounts(session, day, chunk)
    reminded = _mornings(sql, day, accounts)
    assigned, fallback, messages = _carers(sql, accounts, whole=chunk is None), {}, []
    for homes in accounts:
        if not _reminded_before(reminded, day, homes[0].account_id, noon):
            continue
        for home in (h for h in homes if gaps[h.quarantine_id]):
            text = TEXT.missed.format(
                village=home.village,
                returnee=home.returnee,
                phone=home.phone,
                measure=home.kind,
                n=home.day_number(day),
                start=day_text(home.start_on),
                end=day_text(home.end_on),
                time=settings.checkin_alert_at,
                names=TEXT.separator.join(gaps[home.quarantine_id]),
            )
            for holder in {h.person_id: h for h in _responsible(sql, home, assigned, fallback)}.values():
                key = f"checkin:{day.isoformat()}:alert:{home.quarantine_id}:{holder.person_id}"
                messages.append(_message(key, holder.openid, text, kind=ALERT))
    done = _queued(sql, day, [m["key"] for m in messages], kind=ALERT)
    return enqueue_many(sql, [m for m in messages if m["key"] not in done], now=now)


def _responsible(sql: Sql, home: Household, assigned: dict, fallback: dict[int, list[Holder]]) -> list[Holder]:
    """The household's four; with nobody assigned, the village's first contacts (read once per village)."""
    if assigned.get(home.quarantine_id):
        return assigned[home.quarantine_id]
    if home.village_id not in fallback:
        fallback[home.village_id] = responsible(sql, home, {})
    return fallback[home.village_id]


def _carers(sql: Sql, accounts: list[list[Household]], *, whole: bool) -> dict[int, list[Holder]]:
    """The four in force of these households (of every record in force, for a run over all at once)."""
    if whole:
        return carers_in_force(sql)
    return care_holders_of(sql, quarantine_ids=[h.quarantine_id for homes in accounts for h in homes])


def in_chunks(job: Callable, due: Callable[[dt.datetime, Settings], bool]):
    """The job over the day's accounts, CHUNK of them per transaction (a crash keeps the chunks committed; the keys
    make the next run skip what they queued); nothing read outside the job's hours."""

    @own_transactions
    def chunked(db: Engine, now: dt.datetime, settings: Settings) -> int:
        if not due(now, settings):
            return 0
        with transaction(db) as session:
            accounts = accounts_on(Sql(session.connection()), day=today(now))
        done = 0
        for start in range(0, len(accounts), CHUNK):
            part = accounts[start : start + CHUNK]
            with transaction(db) as session:
                done += job(session, now, settings, chunk=(part[0], part[-1]))
        return done

    chunked.__name__ = job.__name__
    chunked.__doc__ = job.__doc__
    return chunked


JOBS = (
    ("checkin_remind", in_chunks(remind_morning, _morning_due)),
    ("checkin_second", in_chunks(remind_second, _second_due)),
    ("checkin_alert", in_chunks(alert_missed, _alert_due)),
)
