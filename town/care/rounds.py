"""Sampling rounds: scheduled from a quarantine's sampling days, recorded done or not done, escalated when missed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from models.care import DONE, SamplingRound
from models.outbox import enqueue
from models.quarantine import Quarantine
from models.sql import Sql
from town.care.household import Home, carers, sampling_dates
from town.care.texts import TEXT
from town.clock import day, reached, today
from town.command import DOCTOR, VILLAGE_CADRES, responsible

# A round still due at this hour of its day is missed: the cadres still have the evening to act on it.
MISSED_AT = dt.time(18, 0)
# Conditional updates: a doctor's message and the missed-round job may meet on the same round.
MARK_MISSED = (
    "UPDATE sampling_round SET status = 'missed', escalated_at = :now"
    " WHERE id = :id AND status = 'due' AND escalated_at IS NULL"
)
MARK_NOT_DONE = (
    "UPDATE sampling_round SET status = 'missed', note = :note, escalated_at = COALESCE(escalated_at, :now)"
    " WHERE id = :id AND status != 'done'"
)
MARK_DONE = (
    "UPDATE sampling_round SET status = 'done', done_by_person_id = :person, done_at = :now"
    " WHERE id = :id AND status != 'done'"
)


def schedule(session, quarantine: Quarantine, *, now: dt.datetime) -> list[SamplingRound]:
    """The quarantine's rounds: what was already done under the declaration stays done; past days owed are one
    catch-up round on the first day still possible."""
    dates = sampling_dates(quarantine)
    if not dates:
        return []
    done = {r.day: r for r in _done_before(session, quarantine)}
    first = first_sampling_day(now)
    rounds: dict[dt.date, SamplingRound] = {}
    for when, earlier in done.items():
        rounds[when] = SamplingRound(
            quarantine_id=quarantine.id, day=when, status=DONE, done_by_person_id=earlier.done_by_person_id,
            done_at=earlier.done_at, note=earlier.note,
        )  # fmt: skip
    for when in dates:
        if when >= first and when not in rounds:
            rounds[when] = SamplingRound(quarantine_id=quarantine.id, day=when)
    owed = [d for d in dates if d < first and not any(d <= done_on < first for done_on in done)]
    if owed and first <= quarantine.end_on and first not in rounds:
        rounds[first] = SamplingRound(quarantine_id=quarantine.id, day=first)
    ordered = [rounds[when] for when in sorted(rounds)]
    session.add_all(ordered)  # numbered in day order
    session.flush()
    return ordered


def _done_before(session, quarantine: Quarantine) -> list[SamplingRound]:
    """Rounds done under earlier records of the same declaration, within this measure's days."""
    rows = session.execute(
        select(SamplingRound)
        .join(Quarantine, Quarantine.id == SamplingRound.quarantine_id)
        .where(
            Quarantine.declaration_id == quarantine.declaration_id,
            Quarantine.id != quarantine.id,
            SamplingRound.status == DONE,
            SamplingRound.day >= quarantine.start_on,
            SamplingRound.day <= quarantine.end_on,
        )
        .order_by(SamplingRound.done_at)
    ).scalars()
    return list(rows)


def rounds_of(session, quarantine_id: int) -> list[SamplingRound]:
    """A quarantine's rounds by day."""
    return list(
        session.execute(
            select(SamplingRound).where(SamplingRound.quarantine_id == quarantine_id).order_by(SamplingRound.day)
        ).scalars()
    )


def ordinal(session, sampling: SamplingRound) -> int:
    """第N次: the round's place among its quarantine's rounds."""
    days = [r.day for r in rounds_of(session, sampling.quarantine_id)]
    return days.index(sampling.day) + 1


def still_to_do(rounds: list[SamplingRound]) -> str:
    """8月8日、8月11日: the days a doctor still has to come."""
    return TEXT.separator.join(day(r.day) for r in rounds if r.status != DONE) or TEXT.no_samples


def doctors(sql: Sql, quarantine: Quarantine) -> list:
    """The household's doctor; with none in its four, the village's doctor (or those above the village)."""
    found = [c for c in carers(sql, quarantine.id) if c.role in DOCTOR]
    return found or responsible(sql, village_id=quarantine.village_id, roles=DOCTOR)


def escalation_cadres(sql: Sql, quarantine: Quarantine) -> list:
    """The household's village cadre and township cadre (else the village's, else those above it)."""
    found = [c for c in carers(sql, quarantine.id) if c.role in VILLAGE_CADRES]
    return found or responsible(sql, village_id=quarantine.village_id, roles=VILLAGE_CADRES)


def _doctor_line(sql: Sql, quarantine: Quarantine) -> str:
    found = [c for c in carers(sql, quarantine.id) if c.role in DOCTOR]
    if not found:
        return TEXT.nobody
    return TEXT.separator.join(f"{c.name or TEXT.someone}" + (f"（{c.phone}）" if c.phone else "") for c in found)


def escalate(session, sql: Sql, home: Home, sampling: SamplingRound, *, now, who: str = "", reason: str = "") -> int:
    """The village cadre and township cadre hear that a round was missed (or not done, and why)."""
    facts = {
        **home.facts(), "id": sampling.id, "date": day(sampling.day), "ordinal": ordinal(session, sampling),
        "doctor": _doctor_line(sql, home.quarantine),
    }  # fmt: skip
    if reason:
        text, occasion = TEXT.not_done.format(who=who, reason=reason, **facts), "reason"
    else:
        text, occasion = TEXT.missed.format(**facts), "missed"
    sent = 0
    for cadre in _each(escalation_cadres(sql, home.quarantine)):
        key = f"sampling:{sampling.id}:{occasion}:{cadre.person_id}"
        sent += enqueue(sql, key=key, recipient_openid=cadre.openid, kind="alert", text=text, now=now)
    return sent


def made_up(session, sql: Sql, home: Home, sampling: SamplingRound, *, who: str, by: int, now) -> int:
    """A round done after it was escalated: the cadres who heard of it hear it is settled."""
    text = TEXT.made_up.format(
        who=who, id=sampling.id, date=day(sampling.day), ordinal=ordinal(session, sampling), **home.facts()
    )
    sent = 0
    for cadre in _each(escalation_cadres(sql, home.quarantine)):
        if cadre.person_id != by:
            key = f"sampling:{sampling.id}:done:{cadre.person_id}"
            sent += enqueue(sql, key=key, recipient_openid=cadre.openid, kind="notice", text=text, now=now)
    return sent


def mark_missed(sql: Sql, sampling_id: int, *, now) -> bool:
    """Due → missed, once; False when someone recorded it first."""
    return sql.run(MARK_MISSED, id=sampling_id, now=sql.time(now)) == 1


def mark_not_done(sql: Sql, sampling_id: int, *, note: str, now) -> bool:
    """Not done, with the reason; False when it was done already."""
    return sql.run(MARK_NOT_DONE, id=sampling_id, note=note[:500], now=sql.time(now)) == 1


def mark_done(sql: Sql, sampling_id: int, *, person_id: int, now) -> bool:
    """Done by this person; False when it was done already."""
    return sql.run(MARK_DONE, id=sampling_id, person=person_id, now=sql.time(now)) == 1


def _each(people: list) -> list:
    return list({p.person_id: p for p in people}.values())


def first_sampling_day(now: dt.datetime) -> dt.date:
    """The earliest day a round opened now can still be done: today, or tomorrow once today's rounds are late."""
    return today(now) + dt.timedelta(days=1 if reached(now, MISSED_AT) else 0)
