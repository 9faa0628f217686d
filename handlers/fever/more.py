"""What a fever report still lacks (village, phone, temperature), asked one question at a time after the alert."""

from __future__ import annotations

from bot.dialogue import Context, Flow, Step, Then, accept, reask, words
from bot.dialogue.fields import parse_phone, parse_village, village_name
from bot.nlu.health import read, shown_symptoms, temperature
from handlers.fever.alert import DOCTOR, clinic, doctors, facts, send, told
from handlers.fever.texts import LABELS, TEXT
from models.cadre import Holder
from models.care import check_in_by_id, save_check_in
from models.fever import FeverReport, fever_report_by_id, save_fever_report
from models.person import update_profile

MORE = "fever_more"


def ask_more(reply: str, slots: dict) -> Then:
    """The reply, then what the report still lacks, one question at a time (slots: report, need, patient, alerted,
    who; checkin)."""
    return Then(reply, MORE, slots)


def _ask_temperature(ctx: Context) -> str:
    return TEXT.ask_temperature.format(who=ctx.slots.get("who") or "")


def parse_temperature(text: str, ctx: Context):
    """38度5 (with any symptoms said beside it), or 「没量」."""
    degrees = temperature(words.normalize(text))
    if degrees is not None:
        found = read(text)
        return accept({"value": degrees, "symptoms": [s for r in found for s in r.symptoms]})
    if any(word in words.bare(text) for word in TEXT.no_thermometer):
        return accept({"value": None, "symptoms": []})
    return reask(TEXT.temperature_again)


def _skip(slot: str):
    return lambda ctx: slot not in ctx.slots.get("need", ())


def alert_village(ctx: Context) -> str | None:
    """The village just answered: its doctor hears now, not only after the remaining questions."""
    village = ctx.slots.get("village")
    if not village:
        return None
    row = fever_report_by_id(ctx.session, report_id=ctx.slots["report"])
    row.village_id = village
    save_fever_report(ctx.session, report=row)
    alerted = ctx.slots.get("alerted", [])
    new = [h for h in doctors(ctx, village) if h.person_id not in {pid for pid, _ in alerted}]
    if not new:
        return None
    symptoms = row.symptoms.split(TEXT.separator) if row.symptoms else []
    text = TEXT.alert.format(**_values(ctx, row, symptoms), clinic=clinic(ctx))
    ctx.slots["alerted"] = alerted + send(ctx, f"fever:{row.id}:alert", new, text)
    ctx.slots["village_alerted"] = True
    return told(new)


def finish_more(ctx: Context) -> str:
    """The answers join the report; everyone alerted (the village's doctor included) hears what is new."""
    slots = ctx.slots
    row = fever_report_by_id(ctx.session, report_id=slots["report"])
    said = slots.get("temperature") or {}
    if said.get("value") is not None:
        row.temperature = said["value"]
    known = row.symptoms.split(TEXT.separator) if row.symptoms else []
    symptoms = shown_symptoms(known + said.get("symptoms", []), row.temperature)
    row.symptoms = TEXT.separator.join(symptoms)[:200] or None
    row.village_id = slots.get("village") or row.village_id
    _remember(ctx, slots)
    if slots.get("checkin"):
        _update_checkin(ctx, slots["checkin"], row)
    save_fever_report(ctx.session, report=row)
    village_news = slots.get("village") and not slots.get("village_alerted")
    if not (said.get("value") or said.get("symptoms") or village_news or slots.get("phone")):
        return TEXT.nothing_new
    alerted = slots.get("alerted", [])
    send(
        ctx,
        f"fever:{row.id}:more",
        [Holder(pid, openid, "", None, None, 0) for pid, openid in alerted],
        TEXT.more.format(**_values(ctx, row, symptoms)),
    )
    if not alerted:
        return TEXT.more_nobody
    doctor = any(h.role == DOCTOR for h in doctors(ctx, row.village_id))  # none bound: the cadre was told instead
    return TEXT.more_done if doctor else TEXT.more_done_cadre


def _values(ctx: Context, row: FeverReport, symptoms: list[str]) -> dict:
    """The facts an alert or a 补充 shows, as known so far."""
    slots = ctx.slots
    phone = slots.get("phone") or slots.get("household_phone") or ctx.person.phone
    return {
        "patient": slots["patient"],
        "village": village_name(ctx, row.village_id) or TEXT.unknown_village,
        "facts": facts(row.temperature, symptoms),
        "phone": phone or (TEXT.no_phone if "phone" not in slots else TEXT.no_phone_known),
    }


def _remember(ctx: Context, slots: dict) -> None:
    """A phone or village given for the report fills the sender's profile where it was empty."""
    fields = {}
    if slots.get("phone") and not ctx.person.phone:
        fields["phone"] = slots["phone"]
    if slots.get("village") and not ctx.person.village_id:
        fields["village_id"] = slots["village"]
    if fields:
        update_profile(ctx.sql, person=ctx.person, **fields)


def _update_checkin(ctx: Context, checkin_id: int, row: FeverReport) -> None:
    checkin = check_in_by_id(ctx.session, check_in_id=checkin_id)
    if checkin is not None:
        checkin.temperature, checkin.symptoms = row.temperature, row.symptoms
        save_check_in(ctx.session, check_in=checkin)


FLOW = Flow(
    name=MORE,
    title=TEXT.title,
    steps=(
        Step(
            "village",
            LABELS["village"],
            TEXT.ask_village,
            parse_village,
            skip=_skip("village"),
            optional=True,
            answered=alert_village,
        ),
        Step("phone", LABELS["phone"], TEXT.ask_phone, parse_phone, skip=_skip("phone"), optional=True),
        Step("temperature", LABELS["temperature"], _ask_temperature, parse_temperature, skip=_skip("temperature")),
    ),
    finish=finish_more,
)
