"""A household's check-in message as rows: one CheckIn per person reported on, a FeverReport per fever."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.dialogue import Context, Outcome, prepend
from bot.nlu.health import SELF, Reading, read, shown_symptoms
from handlers import fever
from handlers.checkin.texts import TEXT
from handlers.declare_return.answers import RELATIONS
from handlers.fever.alert import DOCTOR
from models.care import CheckIn, add_check_ins
from models.fever import FeverReport, add_fever_report
from town.checkins import ALL, Household, how_to_report, missing, responsible
from town.clock import day as day_text

# The words people say for a relation the ledger names (妻子: 老婆, 媳妇).
SAID_AS = {named: tuple(w for w, r in RELATIONS.items() if r == named) for named in set(RELATIONS.values())}
CHILDREN = ("孩子", "儿子", "女儿")


@dataclass
class Entry:
    """One reading placed in a household: member None is the returnee, ALL everyone, else a name or a label."""

    home: Household
    member: str | None
    reading: Reading

    @property
    def name(self) -> str:
        return TEXT.everyone if self.member == ALL else self.member or self.home.returnee

    def item(self) -> str:
        if self.member == ALL:
            return TEXT.everyone
        r = self.reading
        value = TEXT.degrees.format(value=r.temperature) if r.temperature is not None else ""
        symptoms = shown_symptoms(r.symptoms, r.temperature)
        value = TEXT.separator.join(([value] if value else []) + symptoms) or TEXT.well
        return TEXT.item.format(name=self.name, value=value)


def aliases(homes: list[Household]) -> dict[str, str]:
    """What each person may be called (王小明, 小明, 孩子; 媳妇 or 老婆 for the 妻子) -> "index:name"."""
    names: dict[str, str] = {}
    for i, home in enumerate(homes):
        people = [(home.returnee, home.relation), *home.members]
        children = [name for name, relation in people if relation in CHILDREN]
        for name, relation in people:
            given = name[1:] if len(name) >= 3 else None
            child = SAID_AS["孩子"] if children == [name] else ()  # 「孩子」 is the son when he is the only child
            for alias in (name, given, relation, *SAID_AS.get(relation, ()), *child):
                if alias:
                    names.setdefault(alias, f"{i}:{name}")
    return names


def _place(ctx: Context, homes: list[Household], who: str | None) -> tuple[Household, str | None]:
    if who is None:
        return homes[0], None
    if who == SELF:
        own = next((h for h in homes if not h.proxy), None)
        if own is not None:
            return own, None
        mine = next(((h, n) for h in homes for n, _ in h.members if n == ctx.person.name), None)
        return mine or (homes[0], ctx.person.name or TEXT.me)
    index, sep, name = who.partition(":")
    if sep and index.isdigit():
        home = homes[int(index)]
        return home, None if name == home.returnee else name
    return homes[0], who  # a relation nobody in the household has: kept as said


def entries(ctx: Context, homes: list[Household], readings: list[Reading]) -> list[Entry]:
    """Each reading in its household; 「全家正常」 covers everyone not named otherwise."""
    placed = [Entry(*_place(ctx, homes, r.who), r) for r in readings if not r.rest]
    if not any(r.rest for r in readings):
        return placed
    if not placed:
        return [Entry(home, ALL, Reading(None, rest=True)) for home in homes]
    named = {(e.home.quarantine_id, e.member) for e in placed}
    for home in homes:
        for person in home.people:
            member = None if person == home.returnee else person
            if (home.quarantine_id, member) not in named:
                placed.append(Entry(home, member, Reading(person, rest=True)))
    return placed


def record(
    ctx: Context, homes: list[Household], text: str, day: dt.date, readings: list[Reading] | None = None
) -> Outcome:
    """Store the check-in, alert on any fever, and say what is still missing today (`readings`: what the text says,
    when the caller has read it)."""
    found = entries(ctx, homes, read(text, aliases(homes)) if readings is None else readings)
    if not found:
        names = [n for names in missing(ctx.session, homes, day).values() for n in names] or homes[0].people
        listed = TEXT.names.format(names=TEXT.separator.join(names))
        return TEXT.ask.format(names=listed, how=how_to_report(homes, names))
    rows = add_check_ins(ctx.session, rows=[_row(ctx, e, text, day) for e in found])
    items = TEXT.separator.join(e.item() for e in found)
    fevers = [(e, row) for e, row in zip(found, rows, strict=True) if e.reading.fever]
    if fevers:
        return prepend(TEXT.recorded_fever.format(items=items), _fever(ctx, fevers, text, day))
    return f"{TEXT.recorded.format(items=items)}\n{_still_missing(ctx, homes, day)}"


def _row(ctx: Context, entry: Entry, text: str, day: dt.date) -> dict:
    r = entry.reading
    symptoms = TEXT.separator.join(shown_symptoms(r.symptoms, r.temperature))[:200] or None
    return {
        "quarantine_id": entry.home.quarantine_id,
        "person_id": ctx.person.id,
        "day": day,
        "member": entry.member,
        "temperature": r.temperature,
        "symptoms": symptoms,
        "fever": r.fever,
        "text": text[:500],
        "created_at": ctx.now,
    }


def _still_missing(ctx: Context, homes: list[Household], day: dt.date) -> str:
    names = [n for names in missing(ctx.session, homes, day).values() for n in names]
    if not names:
        many = sum(len(h.people) for h in homes) > 1
        return TEXT.all_done.format(whose=TEXT.all_done_many if many else TEXT.all_done_one)
    example = TEXT.example.format(name=names[0])
    return TEXT.still_missing.format(names=TEXT.separator.join(names), example=example)


def _fever(ctx: Context, fevers: list[tuple[Entry, CheckIn]], text: str, day: dt.date) -> Outcome:
    """A FeverReport per person, one alert per household to its doctor and responsible people, and advice."""
    reply, asked = [], None
    for home in {e.home.quarantine_id: e.home for e, _ in fevers}.values():
        mine = [(e, row) for e, row in fevers if e.home is home]
        reports = [_report(ctx, e, text) for e, _ in mine]
        carers = responsible(ctx.sql, home)  # before anyone is assigned, the village's first contacts: maybe a doctor
        holders = fever.doctors(ctx, home.village_id) + carers
        lines = "\n".join(
            TEXT.alert_line.format(name=e.name, facts=fever.facts(e.reading.temperature, e.reading.symptoms))
            for e, _ in mine
        )
        alert = TEXT.alert.format(
            village=home.village,
            returnee=home.returnee,
            measure=home.kind,
            n=home.day_number(day),
            start=day_text(home.start_on),
            end=day_text(home.end_on),
            lines=lines,
            phone=home.phone,
            clinic=fever.clinic(ctx),
        )
        alerted = fever.send(ctx, fever.alert_key(reports[0]), holders, alert)
        reply.append(fever.told(holders, care=any(holder.role != DOCTOR for holder in carers)))
        unmeasured = next(
            ((e, row, rep) for (e, row), rep in zip(mine, reports, strict=True) if rep.temperature is None), None
        )
        if asked is None and unmeasured is not None:
            asked = _follow_up(home, *unmeasured, alerted)
    reply.append(fever.advice(ctx, isolated=True))
    text = "\n".join(dict.fromkeys(reply))
    return fever.ask_more(text, asked) if asked else text


def _report(ctx: Context, entry: Entry, text: str) -> FeverReport:
    """A new report, or the same person's from the last 12 hours (a second check-in is news of the same fever)."""
    r, home = entry.reading, entry.home
    sender_is_patient = entry.member is None and not home.proxy
    name = None if sender_is_patient else entry.name
    symptoms = shown_symptoms(r.symptoms, r.temperature)
    if (earlier := fever.earlier_report(ctx, name, source="checkin")) is not None:
        return fever.add_to(ctx, earlier, degrees=r.temperature, symptoms=symptoms)
    return add_fever_report(
        ctx.session,
        person_id=ctx.person.id,
        village_id=home.village_id,
        quarantine_id=home.quarantine_id,
        name=name,
        temperature=r.temperature,
        symptoms=TEXT.separator.join(symptoms)[:200] or None,
        text=text,
        source="checkin",
        now=ctx.now,
    )


def _follow_up(home: Household, entry: Entry, row: CheckIn, report: FeverReport, alerted: list) -> dict:
    patient = home.returnee if entry.member is None else TEXT.patient.format(returnee=home.returnee, name=entry.name)
    who = "" if entry.member is None and not home.proxy else entry.name  # 「量体温了吗」 to the patient
    return {
        "report": report.id,
        "checkin": row.id,
        "need": ["temperature"],
        "patient": patient,
        "alerted": alerted,
        "who": who,
        "household_phone": home.phone,
    }
