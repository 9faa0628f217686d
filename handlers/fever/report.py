"""发烧报告: anyone reports a fever or symptom; the village doctor hears at once, the sender learns what to do.

The report is stored and the doctor alerted from the first message, with whatever it says. What is still
missing and useful (the village, a phone to call back, the temperature) is then asked one question at a time;
the answers reach the doctor as a 补充. A household under a measure reports through its check-in instead
(handlers/checkin), which uses the alert, advice and follow-up questions from here.
"""

from __future__ import annotations

from bot.dialogue import Context
from bot.dialogue.fields import village_name
from handlers.checkin.reading import SELF, Reading, read, shown_symptoms
from handlers.fever.alert import advice, clinic, doctors, facts, send, told
from handlers.fever.more import ask_more
from handlers.fever.texts import TEXT
from models.reports import FeverReport


def _village(ctx: Context, understood) -> int | None:
    if ctx.person.village_id:
        return ctx.person.village_id
    named = (understood.secondary.get("village") if understood else None) or ""
    found = ctx.villages.by_name(named) if named else None
    return found.id if found else None


def _patient(ctx: Context, reading: Reading | None) -> tuple[str | None, str]:
    """Who has it (None: the sender) and how the doctor reads it: 张桂兰（本人报告）, 张桂兰家的孩子."""
    sender = ctx.person.name or TEXT.someone
    who = reading.who if reading is not None else None
    if who is None or who == SELF:
        return None, TEXT.patient_self.format(name=sender) if ctx.person.name else sender
    return who, TEXT.patient_other.format(name=sender, who=who)


def report(ctx: Context, text: str, understood) -> str:
    """A fever from someone not under a measure: stored, the doctor alerted, the sender told what to do."""
    readings = read(text)
    feverish = [r for r in readings if r.fever] or readings  # 「我36.5，孩子38度」 is about the child
    degrees = max((r.temperature for r in feverish if r.temperature is not None), default=None)
    symptoms = [s for r in feverish for s in r.symptoms]
    symptoms = shown_symptoms(symptoms or (understood.secondary.get("symptoms", []) if understood else []), degrees)
    village_id = _village(ctx, understood)
    name, patient = _patient(ctx, feverish[0] if feverish else None)
    row = FeverReport(
        person_id=ctx.person.id,
        village_id=village_id,
        name=name,
        temperature=degrees,
        symptoms=TEXT.separator.join(symptoms)[:200] or None,
        text=text[:1000],
        source="report",
        created_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    holders = doctors(ctx, village_id)
    village = village_name(ctx, village_id) or TEXT.unknown_village
    alert = TEXT.alert.format(
        patient=patient,
        village=village,
        facts=facts(degrees, symptoms),
        phone=ctx.person.phone or TEXT.no_phone,
        clinic=clinic(ctx),
    )
    alerted = send(ctx, f"fever:{row.id}:alert", holders, alert)
    reply = f"{told(holders)}\n{advice(ctx)}"
    need = [slot for slot, known in (("village", village_id), ("phone", ctx.person.phone)) if not known]
    need += ["temperature"] if degrees is None else []
    if need:
        slots = {"report": row.id, "need": need, "patient": patient, "alerted": alerted, "who": name}
        reply += "\n\n" + ask_more(ctx, slots)
    return reply
