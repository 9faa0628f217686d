"""Daily check-in jobs: remind each household in the morning and at noon, alert its responsible people at night.

A day is one of the town's days. Every message is keyed by day and recipient, so the jobs may run every minute.
The noon reminder and the evening alert follow only a morning reminder sent before noon: a household whose
measure began in the afternoon is reminded once that day, and nobody is alerted about a household never reminded.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from sqlmodel import Session

from models.outbox import enqueue, queued_at
from models.sql import Sql
from town.alerts import send_alert
from town.checkins import Household, households, how_to_report, missing, responsible
from town.checkins.texts import TEXT
from town.clock import at, local, today
from town.clock import day as day_text
from town.settings import Settings

MORNING_ENDS = 11  # after this hour a reminder does not say 早上好


def _accounts(session: Session, day: dt.date) -> list[list[Household]]:
    """The households the village reminds today, grouped by the account that reports for them."""
    homes = [h for h in households(session, day=day) if h.reminded_on(day)]
    return [list(group) for _, group in groupby(homes, key=lambda h: h.account_id)]


def _morning_key(day: dt.date, account_id: int) -> str:
    return f"checkin:{day.isoformat()}:remind:{account_id}"


def _reminded_before(session: Session, day: dt.date, account_id: int, deadline: dt.datetime) -> bool:
    sent = queued_at(session, key=_morning_key(day, account_id))
    return sent is not None and sent < deadline


def _names(homes: list[Household], gaps: dict[int, list[str]]) -> list[str]:
    return [name for h in homes for name in gaps[h.quarantine_id]]


def remind_morning(session: Session, now: dt.datetime, settings: Settings) -> int:
    """From CHECKIN_REMIND_AT (until the evening alert): remind each household that has not reported yet."""
    day = today(now)
    if not at(day, settings.checkin_remind_at) <= now < at(day, settings.checkin_alert_at):
        return 0
    sql, sent = Sql(session.connection()), 0
    for homes in _accounts(session, day):
        names = _names(homes, missing(session, homes, day))
        if not names:
            continue
        when = homes[0].when(day) if len(homes) == 1 else "\n" + "".join(h.when(day, TEXT.when_line) for h in homes)
        listed = TEXT.names.format(names=TEXT.separator.join(names)) if len(names) > 1 or homes[0].members else ""
        hello = TEXT.hello_morning if local(now).hour < MORNING_ENDS else TEXT.hello
        text = TEXT.remind.format(hello=hello, when=when, names=listed, how=how_to_report(homes, names))
        key = _morning_key(day, homes[0].account_id)
        sent += enqueue(sql, key=key, recipient_openid=homes[0].openid, kind="notice", text=text, now=now)
    return sent


def remind_second(session: Session, now: dt.datetime, settings: Settings) -> int:
    """From CHECKIN_SECOND_AT: remind again, naming who is still missing, a household reminded this morning."""
    day = today(now)
    noon = at(day, settings.checkin_second_at)
    if not noon <= now < at(day, settings.checkin_alert_at):
        return 0
    sql, sent = Sql(session.connection()), 0
    for homes in _accounts(session, day):
        names = _names(homes, missing(session, homes, day))
        if not names or not _reminded_before(session, day, homes[0].account_id, noon):
            continue
        alone = len(homes) == 1 and homes[0].people == [homes[0].returnee] and not homes[0].proxy
        text = TEXT.second.format(
            names=TEXT.you if alone else TEXT.separator.join(names), how=how_to_report(homes, names)
        )
        key = f"checkin:{day.isoformat()}:second:{homes[0].account_id}"
        sent += enqueue(sql, key=key, recipient_openid=homes[0].openid, kind="notice", text=text, now=now)
    return sent


def alert_missed(session: Session, now: dt.datetime, settings: Settings) -> int:
    """From CHECKIN_ALERT_AT: tell the responsible people of each household still missing a check-in."""
    day = today(now)
    if now < at(day, settings.checkin_alert_at):
        return 0
    sql, sent = Sql(session.connection()), 0
    noon = at(day, settings.checkin_second_at)
    for homes in _accounts(session, day):
        if not _reminded_before(session, day, homes[0].account_id, noon):
            continue
        gaps = missing(session, homes, day)
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
            for holder in {h.person_id: h for h in responsible(sql, home)}.values():
                key = f"checkin:{day.isoformat()}:alert:{home.quarantine_id}:{holder.person_id}"
                sent += send_alert(sql, key=key, recipient_openid=holder.openid, text=text, now=now)
    return sent


JOBS = (
    ("checkin_remind", remind_morning),
    ("checkin_second", remind_second),
    ("checkin_alert", alert_missed),
)
