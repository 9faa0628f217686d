"""Sampling jobs: the doctor's list and the household's notice the evening before, and missed rounds escalated.

A round of day D is announced from SAMPLING_REMIND_AT on D-1 (the doctor's message is keyed by the set of rounds,
so a round added later that evening brings an updated list); a round still due at MISSED_AT on its day (or any
later day, after downtime) is missed and escalated once. Runs every minute build only what was not sent yet, with
a fixed number of statements however many households are due (one read per kind of fact, one executemany).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlmodel import Session

from models.care import cared_for_by_each, doctors_caring
from models.care_rounds import SamplingRound, late_rounds, mark_rounds_missed, missed_rounds, rounds_due_on
from models.outbox import enqueue_many, queued_among
from models.quarantine import Quarantine
from models.sql import Sql
from town.alerts import ALERT, NOTICE
from town.care.household import Carer, home_ids, homes_of, tell_homes
from town.care.rounds import MISSED_AT, escalate_many, ordinals
from town.care.texts import TEXT
from town.clock import at, day, reached, today
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
    since = at(today(now), "00:00")  # the eve's messages are queued on the eve
    sent = {*queued_among(sql, kind=ALERT, since=since, keys=doctor_keys.values())}
    sent |= {*queued_among(sql, kind=NOTICE, since=since, keys=[key for keys in notice_keys.values() for key in keys])}
    households = [(s, q) for s, q, _ in due if not set(notice_keys[s.id]) <= sent]
    doctors = [lists[pid] for pid in lists if doctor_keys[pid] not in sent]
    owed = _owed(session, sql, [doctor.person_id for doctor, _ in doctors])
    homes = homes_of(session, [(q, d) for _, q, d in due])
    numbers = ordinals(session, [s for s, _, _ in due] + [s for rows in owed.values() for s, _, _ in rows])
    notices = [_household_notice(homes[q.id], s, numbers[s.id], doctors_of[q.id]) for s, q in households]
    done = tell_homes(sql, notices, now=now)
    messages = [
        {
            "key": doctor_keys[doctor.person_id], "openid": doctor.openid, "kind": ALERT,
            "text": _doctor_text(doctor, [(s, homes[q.id]) for s, q in items], tomorrow, numbers, owed),
        }
        for doctor, items in doctors
    ]  # fmt: skip
    return done + enqueue_many(sql, messages, now=now)


def _doctors(sql: Sql, quarantines: list[Quarantine]) -> dict[int, list]:
    """Each record's doctor (one query for all); the village's doctor, or those above it, for a record without
    (read once per village)."""
    found: dict[int, list] = {q.id: [] for q in quarantines}
    if quarantines:
        for quarantine_id, *carer in doctors_caring(sql, quarantine_ids=list(found)):
            found[quarantine_id].append(Carer(*carer))
    villages: dict[int, list] = {}
    for quarantine in quarantines:
        if not found[quarantine.id]:
            village = quarantine.village_id
            if village not in villages:
                villages[village] = responsible(sql, village_id=village, roles=DOCTOR)
            found[quarantine.id] = villages[village]
    return found


def _eve_key(tomorrow: dt.date, person_id: int, items: list) -> str:
    digest = hashlib.sha1("-".join(str(sampling.id) for sampling, _ in items).encode()).hexdigest()[:12]
    return f"sampling:eve:{tomorrow.isoformat()}:{person_id}:{digest}"


def _doctor_text(doctor, items: list, tomorrow: dt.date, numbers: dict[int, int], owed: dict[int, list]) -> str:
    lines = []
    for n, (sampling, home) in enumerate(items, start=1):
        members = TEXT.eve_members.format(names=TEXT.separator.join(home.members)) if home.members else ""
        lines.append(
            TEXT.eve_line.format(
                n=n, id=sampling.id, members=members, day_no=(sampling.day - home.quarantine.start_on).days + 1,
                ordinal=numbers[sampling.id], **home.facts(),
            )
        )  # fmt: skip
    text = TEXT.eve.format(date=day(tomorrow), count=len(items), lines="\n".join(lines), example=items[0][0].id)
    owed_lines = [
        TEXT.owed_line.format(
            id=sampling.id, name=declaration.name, date=day(sampling.day), ordinal=numbers[sampling.id]
        )
        for sampling, _, declaration in owed.get(doctor.person_id, [])
    ]
    return text + (TEXT.eve_owed.format(lines=TEXT.separator.join(owed_lines)) if owed_lines else "")


def _owed(session, sql: Sql, person_ids: list[int]) -> dict[int, list[tuple]]:
    """Per doctor, the missed rounds still not made up among the households they care for (one read for all)."""
    cared = cared_for_by_each(sql, person_ids=person_ids)
    rows = missed_rounds(session, quarantine_ids=sorted({q for ids in cared.values() for q in ids}))
    mine = {pid: set(ids) for pid, ids in cared.items()}
    return {pid: [row for row in rows if row[1].id in ids] for pid, ids in mine.items()}


def _household_notice(home, sampling: SamplingRound, number: int, doctor_list: list) -> tuple:
    """(home, key, text_for) of a household's notice of tomorrow's round."""
    doctors = [d for d in doctor_list if d.role == "village_doctor"]
    named = next((d for d in doctors if d.name), None)
    doctor = TEXT.doctor_named.format(name=named.name) if named else TEXT.doctor
    # With no doctor in the village, those above it have the list: the household is promised no doctor.
    template = TEXT.notice if doctors else TEXT.notice_unassigned
    members = TEXT.notice_members.format(names=TEXT.separator.join(home.members)) if home.members else ""

    def text_for(greeting: str, _whose: str, sender: bool) -> str:
        whom = home.declaration.name if sender else TEXT.whom
        return template.format(
            greeting=greeting, date=day(sampling.day), doctor=doctor, whom=whom, ordinal=number, members=members
        )

    return home, f"sampling:{sampling.id}:notice", text_for


def escalate_missed(session: Session, now: dt.datetime, settings: Settings) -> int:
    """Rounds still due at MISSED_AT on their day: missed, and the village cadre and township cadre told once."""
    sql = Sql(session.connection())
    last_late_day = today(now) - dt.timedelta(days=0 if reached(now, MISSED_AT) else 1)
    late = late_rounds(session, through=last_late_day)
    marked = mark_rounds_missed(sql, sampling_ids=[sampling.id for sampling, _, _ in late], now=now)
    late = [row for row in late if row[0].id in marked]
    homes = homes_of(session, [(q, d) for _, q, d in late])
    escalate_many(session, sql, [(homes[q.id], sampling) for sampling, q, _ in late], now=now)
    return len(late)
