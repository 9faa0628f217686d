"""What a fever report still lacks (village, phone, temperature), asked one question at a time after the alert."""

from __future__ import annotations

from bot.dialogue import Context, Flow, Step, Then, accept, reask, words
from bot.dialogue.fields import parse_phone, parse_village, village_name
from bot.nlu.health import read, shown_symptoms, temperature
from handlers.fever.alert import clinic, doctors, facts, send
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


def finish_more(ctx: Context) -> str:
    """The answers join the report; everyone alerted (and a newly known village's doctor) hears what is new."""
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
    if not (said.get("value") or said.get("symptoms") or slots.get("village") or slots.get("phone")):
        return TEXT.nothing_new
    phone = slots.get("phone") or slots.get("household_phone") or ctx.person.phone or TEXT.no_phone
    village = village_name(ctx, row.village_id) or TEXT.unknown_village
    values = {
        "patient": slots["patient"],
        "village": village,
        "facts": facts(row.temperature, symptoms),
        "phone": phone,
    }
    alerted = slots.get("alerted", [])
    send(
        ctx,
        f"fever:{row.id}:more",
        [Holder(pid, openid, "", None, None, 0) for pid, openid in alerted],
        TEXT.more.format(**values),
    )
    new = []
    if slots.get("village"):
        new = [h for h in doctors(ctx, row.village_id) if h.person_id not in {pid for pid, _ in alerted}]
        send(ctx, f"fever:{row.id}:alert", new, TEXT.alert.format(**values, clinic=clinic(ctx)))
    return TEXT.more_done if alerted or new else TEXT.more_nobody


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
        Step("village", LABELS["village"], TEXT.ask_village, parse_village, skip=_skip("village"), optional=True),
        Step("phone", LABELS["phone"], TEXT.ask_phone, parse_phone, skip=_skip("phone"), optional=True),
        Step("temperature", LABELS["temperature"], _ask_temperature, parse_temperature, skip=_skip("temperature")),
    ),
    finish=finish_more,
)
