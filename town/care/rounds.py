"""Sampling rounds: scheduled from a quarantine's sampling days, numbered, escalated when missed, made up.

Recording a round done, not done or missed is a conditional update in models/care.py.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from models.care import care_holders_of
from models.care_rounds import (
    DONE,
    DUE,
    SamplingRound,
    round_days,
    rounds_done_before,
    rounds_done_under,
    rounds_of,
    save_rounds,
)
from models.outbox import enqueue, enqueue_many
from models.quarantine import Quarantine
from models.sql import Sql
from town.alerts import ALERT, send_alert
from town.care.household import Home, carers, sampling_dates
from town.care.texts import TEXT
from town.clock import day, reached, today
from town.command import DOCTOR, VILLAGE_CADRES, responsible

# A round still due at this hour of its day is missed: the cadres still have the evening to act on it.
MISSED_AT = dt.time(18, 0)


class Planned(NamedTuple):
    """A round to store: a SamplingRound's columns but its id (a plain row: a model costs ~0.4 ms to build)."""

    quarantine_id: int
    day: dt.date
    status: str = DUE
    done_by_person_id: int | None = None
    done_at: dt.datetime | None = None
    note: str | None = None


def schedule(session, quarantine: Quarantine, *, now: dt.datetime) -> list[Planned]:
    """The quarantine's rounds: what was already done under the declaration stays done; past days owed are one
    catch-up round on the first day still possible."""
    if not sampling_dates(quarantine):
        return []
    done = rounds_done_before(session, quarantine=quarantine)
    return save_rounds(session, rounds=_planned(quarantine, done, now))  # numbered in day order


def schedule_many(session, quarantines: list[Quarantine], *, now: dt.datetime) -> dict[int, list[Planned]]:
    """`schedule` of many quarantines: one read of the rounds done, one flush; the rounds by quarantine id."""
    measured = [q for q in quarantines if sampling_dates(q)]
    done: dict[int, list[SamplingRound]] = {}
    for sampling, declaration_id in rounds_done_under(session, declaration_ids=[q.declaration_id for q in measured]):
        done.setdefault(declaration_id, []).append(sampling)
    planned = {}
    for q in measured:
        earlier = [
            r for r in done.get(q.declaration_id, []) if r.quarantine_id != q.id and q.start_on <= r.day <= q.end_on
        ]
        planned[q.id] = _planned(q, earlier, now)
    save_rounds(session, rounds=[r for rounds in planned.values() for r in rounds])
    return planned


def _planned(quarantine: Quarantine, earlier: list[SamplingRound], now: dt.datetime) -> list[Planned]:
    """The rounds to store, by day, given those done under the declaration's earlier records (oldest done first)."""
    dates = sampling_dates(quarantine)
    done = {r.day: r for r in earlier}
    first = first_sampling_day(now)
    rounds: dict[dt.date, Planned] = {}
    for when, before in done.items():
        rounds[when] = Planned(quarantine.id, when, DONE, before.done_by_person_id, before.done_at, before.note)
    for when in dates:
        if when >= first and when not in rounds:
            rounds[when] = Planned(quarantine.id, when)
    owed = [d for d in dates if d < first and not any(d <= done_on < first for done_on in done)]
    if owed and first <= quarantine.end_on and first not in rounds:
        rounds[first] = Planned(quarantine.id, first)
    return [rounds[when] for when in sorted(rounds)]


def ordinal(session, sampling: SamplingRound) -> int:
    """第N次: the round's place among its quarantine's rounds."""
    days = [r.day for r in rounds_of(session, quarantine_id=sampling.quarantine_id)]
    return days.index(sampling.day) + 1


def ordinals(session, rounds: list[SamplingRound]) -> dict[int, int]:
    """`ordinal` of many rounds at once (one read), by round id."""
    days = round_days(session, quarantine_ids=sorted({r.quarantine_id for r in rounds}))
    return {r.id: days[r.quarantine_id].index(r.day) + 1 for r in rounds}


def still_to_do(rounds: list[Planned]) -> str:
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
    return _doctors_named([c for c in carers(sql, quarantine.id) if c.role in DOCTOR])


def _doctors_named(found: list) -> str:
    if not found:
        return TEXT.nobody
    return TEXT.separator.join(
        (c.name or TEXT.someone) + (TEXT.team_phone.format(phone=c.phone) if c.phone else "") for c in found
    )


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
        sent += send_alert(sql, key=key, recipient_openid=cadre.openid, text=text, now=now)
    return sent


def escalate_many(session, sql: Sql, missed: list[tuple[Home, SamplingRound]], *, now) -> int:
    """`escalate` (missed) of many rounds at once: one read of their carers and of the rounds, one executemany."""
    if not missed:
        return 0
    # The carers of these records only: every record in force's would grow with the county, not with the misses.
    assigned = care_holders_of(sql, quarantine_ids=sorted({home.quarantine.id for home, _ in missed}))
    villages: dict = {}
    numbers = ordinals(session, [sampling for _, sampling in missed])
    messages = []
    for home, sampling in missed:
        carers_now = assigned.get(home.quarantine.id, [])
        cadres = [c for c in carers_now if c.role in VILLAGE_CADRES]
        if not cadres:
            village = home.quarantine.village_id
            if village not in villages:
                villages[village] = responsible(sql, village_id=village, roles=VILLAGE_CADRES)
            cadres = villages[village]
        facts = {
            **home.facts(), "id": sampling.id, "date": day(sampling.day), "ordinal": numbers[sampling.id],
            "doctor": _doctors_named([c for c in carers_now if c.role in DOCTOR]),
        }  # fmt: skip
        text = TEXT.missed.format(**facts)
        for cadre in _each(cadres):
            key = f"sampling:{sampling.id}:missed:{cadre.person_id}"
            messages.append({"key": key, "openid": cadre.openid, "kind": ALERT, "text": text})
    return enqueue_many(sql, messages, now=now)


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


def _each(people: list) -> list:
    return list({p.person_id: p for p in people}.values())


def first_sampling_day(now: dt.datetime) -> dt.date:
    """The earliest day a round opened now can still be done: today, or tomorrow once today's rounds are late."""
    return today(now) + dt.timedelta(days=1 if reached(now, MISSED_AT) else 0)
