"""Daily check-in jobs: remind each household in the morning and at noon, alert its responsible people at night.

A day is one of the town's days. Every message is keyed by day and recipient, so the jobs may run every minute;
each run reads the day's households, check-ins, reminders and carers once and queues with one executemany, so
its statements do not grow with the households.
The noon reminder and the evening alert follow only a morning reminder sent before noon: a household whose
measure began in the afternoon is reminded once that day, and nobody is alerted about a household never reminded.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from sqlmodel import Session

from models.cadre import Holder
from models.care import carers_in_force
from models.outbox import enqueue_many, queued_among
from models.sql import Sql
from town.alerts import ALERT
from town.checkins import Household, households, how_to_report, missing, responsible
from town.checkins.texts import TEXT
from town.clock import at, local, today
from town.clock import day as day_text
from town.settings import Settings

MORNING_ENDS = 11  # after this hour a reminder does not say 早上好


def _accounts(session: Session, day: dt.date) -> tuple[list[list[Household]], dict[int, list[str]]]:
    """The households the village reminds today, grouped by the account that reports for them; and who in each
    has not been reported on yet (one read of the day's check-ins for all)."""
    homes = [h for h in households(session, day=day) if h.reminded_on(day)]
    gaps = missing(session, homes, day, whole_day=True)
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


def remind_morning(session: Session, now: dt.datetime, settings: Settings) -> int:
    """From CHECKIN_REMIND_AT (until the evening alert): remind each household that has not reported yet."""
    day = today(now)
    if not at(day, settings.checkin_remind_at) <= now < at(day, settings.checkin_alert_at):
        return 0
    sql = Sql(session.connection())
    accounts, gaps = _accounts(session, day)
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


def remind_second(session: Session, now: dt.datetime, settings: Settings) -> int:
    """From CHECKIN_SECOND_AT: remind again, naming who is still missing, a household reminded this morning."""
    day = today(now)
    noon = at(day, settings.checkin_second_at)
    if not noon <= now < at(day, settings.checkin_alert_at):
        return 0
    sql = Sql(session.connection())
    accounts, gaps = _accounts(session, day)
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


def alert_missed(session: Session, now: dt.datetime, settings: Settings) -> int:
    """From CHECKIN_ALERT_AT: tell the responsible people of each household still missing a check-in."""
    day = today(now)
    if now < at(day, settings.checkin_alert_at):
        return 0
    sql = Sql(session.connection())
    noon = at(day, settings.checkin_second_at)
    accounts, gaps = _accounts(session, day)
    reminded = _mornings(sql, day, accounts)
    assigned, fallback, messages = carers_in_force(sql), {}, []
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


JOBS = (
    ("checkin_remind", remind_morning),
    ("checkin_second", remind_second),
    ("checkin_alert", alert_missed),
)
