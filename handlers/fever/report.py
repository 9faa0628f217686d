"""发烧报告: anyone reports a fever or symptom; the village doctor hears at once, the sender learns what to do.

The report is stored and the doctor alerted from the first message, with whatever it says. What is still
missing and useful (the village, a phone to call back, the temperature) is then asked one question at a time;
the answers reach the doctor as a 补充. A later message about the same person within 12 hours joins that
report and reaches the doctor as news of it, not as a new case. A household under a measure reports through
its check-in instead (handlers/checkin), which uses the alert, advice and follow-up questions from here.
"""

from __future__ import annotations

import datetime as dt

from bot.dialogue import Context, Outcome, words
from bot.dialogue.fields import village_name
from bot.nlu.health import SELF, Reading, read, shown_symptoms
from handlers.fever.alert import advice, clinic, doctors, facts, pairs, send, told
from handlers.fever.more import ask_more
from handlers.fever.texts import TEXT
from models.fever import FeverReport, add_fever_report, latest_fever_report, save_fever_report
from models.recent import recent_person
from town.clock import day_clock

# A parent who writes again that evening is telling the doctor more about the same fever, not reporting a second.
FOLLOW_UP = dt.timedelta(hours=12)


def _village(ctx: Context, understood) -> int | None:
    if ctx.person.village_id:
        return ctx.person.village_id
    named = (understood.secondary.get("village") if understood else None) or ""
    found = ctx.villages.by_name(named) if named else None
    return found.id if found else None


def _patient(ctx: Context, reading: Reading | None, text: str) -> tuple[str | None, str]:
    """Who has it (None: the sender) and how the doctor reads it: 张桂兰（本人报告）, 张桂兰家的孩子."""
    sender = ctx.person.name or TEXT.someone
    who = reading.who if reading is not None else None
    if who is None or (who == SELF and words.spouse(text)):  # 「俺家那口子」 reads as the sender
        who = _referred(ctx, text) or who
    if who is None or who == SELF:
        return None, TEXT.patient_self.format(name=sender) if ctx.person.name else sender
    return who, TEXT.patient_other.format(name=sender, who=who)


def _referred(ctx: Context, text: str) -> str | None:
    """「她还烧着哩」 after 「俺老伴发烧了」: the family member the sender spoke of last (stored, not remembered)."""
    if not words.refers_back(text) and not words.spouse(text):
        return None
    recent = recent_person(ctx.sql, person_id=ctx.person.id, since=ctx.now - FOLLOW_UP)
    return recent or (TEXT.spouse if words.spouse(text) else None)


def report(ctx: Context, text: str, understood, *, readings: list[Reading] | None = None) -> Outcome:
    """A fever from someone not under a measure: stored, the doctor alerted, the sender told what to do (`readings`:
    what the text says, when the caller has read it)."""
    readings = read(text) if readings is None else readings
    feverish = [r for r in readings if r.fever] or readings  # 「我36.5，孩子38度」 is about the child
    degrees = max((r.temperature for r in feverish if r.temperature is not None), default=None)
    symptoms = [s for r in feverish for s in r.symptoms]
    symptoms = shown_symptoms(symptoms or (understood.secondary.get("symptoms", []) if understood else []), degrees)
    name, patient = _patient(ctx, feverish[0] if feverish else None, text)
    earlier = earlier_report(ctx, name, source="report")
    news = earlier is None or _adds(earlier, degrees, symptoms)  # an elderly sender often says it twice
    if earlier is None:
        row = _new(ctx, text, name=name, degrees=degrees, symptoms=symptoms, village_id=_village(ctx, understood))
    elif news:
        row = add_to(ctx, earlier, degrees=degrees, symptoms=symptoms)
    else:
        row = earlier
    holders = doctors(ctx, row.village_id)
    values = {
        "patient": patient,
        "village": village_name(ctx, row.village_id) or TEXT.unknown_village,
        "facts": facts(row.temperature, _symptoms(row)),
        "phone": ctx.person.phone or TEXT.no_phone,
        "clinic": clinic(ctx),
    }
    if earlier is None:
        alerted = send(ctx, alert_key(row), holders, TEXT.alert.format(**values))
    elif news:
        alerted = send(ctx, alert_key(row), holders, TEXT.again.format(**values, first=day_clock(row.created_at)))
    else:
        alerted = pairs(holders)
    # With no village yet and nobody above to tell, the question for the village comes next: say so, not 「没有村医」.
    heard = TEXT.told_once_village if not holders and row.village_id is None else told(holders)
    reply = f"{heard}\n{advice(ctx)}"
    need = [slot for slot, known in (("village", row.village_id), ("phone", ctx.person.phone)) if not known]
    need += ["temperature"] if row.temperature is None else []
    if need:
        slots = {"report": row.id, "need": need, "patient": patient, "alerted": alerted, "who": name}
        return ask_more(reply, slots)
    return reply


def said_beside(ctx: Context, text: str, understood) -> bool:
    """A fever said beside something else (「刚从郑州回来 有点发烧」): reported too, before the rest."""
    return bool(understood and understood.secondary.get("fever")) and any(r.fever for r in read(text))


def earlier_report(ctx: Context, name: str | None, *, source: str) -> FeverReport | None:
    """The sender's report (or check-in's) about the same person within the follow-up window, if any."""
    since = ctx.now - FOLLOW_UP
    return latest_fever_report(ctx.session, person_id=ctx.person.id, source=source, name=name, since=since)


def _new(ctx: Context, text: str, *, name, degrees, symptoms, village_id) -> FeverReport:
    return add_fever_report(
        ctx.session,
        person_id=ctx.person.id,
        village_id=village_id,
        name=name,
        temperature=degrees,
        symptoms=TEXT.separator.join(symptoms)[:200] or None,
        text=text[:1000],
        source="report",
        now=ctx.now,
    )


def add_to(ctx: Context, row: FeverReport, *, degrees, symptoms) -> FeverReport:
    """What the new message says joins the report: the latest temperature, every symptom said so far."""
    row.temperature = degrees if degrees is not None else row.temperature
    row.symptoms = TEXT.separator.join(shown_symptoms(_symptoms(row) + symptoms, row.temperature))[:200] or None
    row.follow_ups, row.updated_at = row.follow_ups + 1, ctx.now
    return save_fever_report(ctx.session, report=row)


def _adds(row: FeverReport, degrees: float | None, symptoms: list[str]) -> bool:
    """Whether a repeated report says something the earlier one did not: a new temperature or symptom."""
    return (degrees is not None and degrees != row.temperature) or bool(set(symptoms) - set(_symptoms(row)))


def alert_key(row: FeverReport) -> str:
    """The alert's occurrence: the report's first, or its Nth follow-up."""
    return f"fever:{row.id}:again:{row.follow_ups}" if row.follow_ups else f"fever:{row.id}:alert"


def _symptoms(row: FeverReport) -> list[str]:
    return row.symptoms.split(TEXT.separator) if row.symptoms else []
