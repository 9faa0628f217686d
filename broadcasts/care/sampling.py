"""Sampling jobs: the doctor's list and the household's notice the evening before, and missed rounds escalated.

A round of day D is announced from SAMPLING_REMIND_AT on D-1 (the doctor's message is keyed by the set of rounds,
so a round added later that evening brings an updated list); a round still due at MISSED_AT on its day (or any
later day, after downtime) is missed and escalated once. Runs every minute build only what was not sent yet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from itertools import chain

from sqlmodel import Session

from models.care import (
    SamplingRound,
    cared_for_by,
    doctors_caring,
    late_rounds,
    mark_round_missed,
    missed_rounds,
    rounds_due_on,
)
from models.outbox import queued_keys
from models.quarantine import Quarantine
from models.sql import Sql
from town.alerts import send_alert
from town.care.household import Carer, home_ids, home_of, tell_home
from town.care.rounds import MISSED_AT, escalate, ordinal
from town.care.texts import TEXT
from town.clock import day, reached, today
from town.command import DOCTOR, responsible
from town.settings import Settings


def remind_eve(session: Session, now: dt.datetime, settings: Settings) -> int:
    """From SAMPLING_REMIND_AT: each doctor their list for tomorrow, each household its notice."""
    if not reached(now, settings.sampling_remind_at):
        return 0
    sql = Sql(session.connection())
    tomorrow = today(now) + dt.timedelta(days=1)
    due = rounds_due_on(session, day=tomorrow)
    doctors_of = _doctors(sql, [quarantine for _, quarantine, _ in due])
    lists: dict[int, tuple] = {}
    for sampling, quarantine, _ in due:
        for doctor in doctors_of[quarantine.id]:
            lists.setdefault(doctor.person_id, (doctor, []))[1].append((sampling, quarantine))
    doctor_keys = {pid: _eve_key(tomorrow, pid, items) for pid, (_, items) in lists.items()}
    notice_keys = {s.id: [f"sampling:{s.id}:notice:{pid}" for pid in home_ids(d)] for s, _, d in due}
    sent = queued_keys(sql, keys=[*doctor_keys.values(), *chain.from_iterable(notice_keys.values())])
    homes: dict[int, object] = {}

    def home(quarantine):
        return homes.get(quarantine.id) or homes.setdefault(quarantine.id, home_of(session, sql, quarantine))

    done = 0
    for sampling, quarantine, _ in due:
        if not set(notice_keys[sampling.id]) <= sent:
            done += _tell_household(session, sql, home(quarantine), sampling, doctors_of[quarantine.id], now)
    for pid, (doctor, items) in lists.items():
        if doctor_keys[pid] not in sent:
            done += _tell_doctor(
                session, sql, doctor, [(s, home(q)) for s, q in items], tomorrow, doctor_keys[pid], now
            )
    return done


def _doctors(sql: Sql, quarantines: list[Quarantine]) -> dict[int, list]:
    """Each record's doctor (one query for all); the village's doctor, or those above it, for a record without."""
    found: dict[int, list] = {q.id: [] for q in quarantines}
    if quarantines:
        for quarantine_id, *carer in doctors_caring(sql, quarantine_ids=list(found)):
            found[quarantine_id].append(Carer(*carer))
    for quarantine in quarantines:
        if not found[quarantine.id]:
            found[quarantine.id] = responsible(sql, village_id=quarantine.village_id, roles=DOCTOR)
    return found


def _eve_key(tomorrow: dt.date, person_id: int, items: list) -> str:
    digest = hashlib.sha1("-".join(str(sampling.id) for sampling, _ in items).encode()).hexdigest()[:12]
    return f"sampling:eve:{tomorrow.isoformat()}:{person_id}:{digest}"


def _tell_doctor(session, sql: Sql, doctor, items: list, tomorrow: dt.date, key: str, now) -> int:
    lines = []
    for n, (sampling, home) in enumerate(items, start=1):
        members = TEXT.eve_members.format(names=TEXT.separator.join(home.members)) if home.members else ""
        lines.append(
            TEXT.eve_line.format(
                n=n, id=sampling.id, members=members, day_no=(sampling.day - home.quarantine.start_on).days + 1,
                ordinal=ordinal(session, sampling), **home.facts(),
            )
        )  # fmt: skip
    text = TEXT.eve.format(date=day(tomorrow), count=len(items), lines="\n".join(lines), example=items[0][0].id)
    text += _owed(session, sql, doctor)
    return send_alert(sql, key=key, recipient_openid=doctor.openid, text=text, now=now)


def _owed(session, sql: Sql, doctor) -> str:
    """Missed rounds still not made up among the households this doctor cares for."""
    rows = missed_rounds(session, quarantine_ids=cared_for_by(sql, person_id=doctor.person_id))
    lines = [
        TEXT.owed_line.format(
            id=sampling.id, name=declaration.name, date=day(sampling.day), ordinal=ordinal(session, sampling)
        )
        for sampling, _, declaration in rows
    ]
    return TEXT.eve_owed.format(lines=TEXT.separator.join(lines)) if lines else ""


def _tell_household(session, sql: Sql, home, sampling: SamplingRound, doctor_list: list, now) -> int:
    doctors = [d for d in doctor_list if d.role == "village_doctor"]
    named = next((d for d in doctors if d.name), None)
    doctor = TEXT.doctor_named.format(name=named.name) if named else TEXT.doctor
    # With no doctor in the village, those above it have the list: the household is promised no doctor.
    template = TEXT.notice if doctors else TEXT.notice_unassigned
    members = TEXT.notice_members.format(names=TEXT.separator.join(home.members)) if home.members else ""
    number = ordinal(session, sampling)

    def text_for(greeting: str, _whose: str, sender: bool) -> str:
        whom = home.declaration.name if sender else TEXT.whom
        return template.format(
            greeting=greeting, date=day(sampling.day), doctor=doctor, whom=whom, ordinal=number, members=members
        )

    return tell_home(sql, home, key=f"sampling:{sampling.id}:notice", text_for=text_for, now=now)


def escalate_missed(session: Session, now: dt.datetime, settings: Settings) -> int:
    """Rounds still due at MISSED_AT on their day: missed, and the village cadre and township cadre told once."""
    sql = Sql(session.connection())
    last_late_day = today(now) - dt.timedelta(days=0 if reached(now, MISSED_AT) else 1)
    late = late_rounds(session, through=last_late_day)
    done = 0
    for sampling, quarantine, _ in late:
        if mark_round_missed(sql, sampling_id=sampling.id, now=now):
            escalate(session, sql, home_of(session, sql, quarantine), sampling, now=now)
            done += 1
    return done
