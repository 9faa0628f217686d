"""发烧报告: anyone reports a fever or symptom; the village doctor hears at once, the sender learns what to do.

The report is stored and the doctor alerted from the first message, with whatever it says. What is still
missing and useful (the village, a phone to call back, the temperature) is then asked one question at a time;
the answers reach the doctor as a 补充. A household under a measure reports through its check-in instead
(handlers/checkin), which uses the alert, advice and follow-up questions from here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.dialogue import Context, Flow, Step, accept, reask, words
from bot.dialogue.fields import parse_phone, parse_village, village_name
from handlers.checkin.reading import SELF, Reading, read, shown_symptoms, temperature
from models.cadre import Holder, responsible_for, town_command
from models.care import CheckIn
from models.conversation import State, save_state
from models.outbox import enqueue
from models.person import update_profile
from models.reports import FeverReport
from models.town import TownFileError, read_town_file

DOCTOR = ("village_doctor",)
MORE = "fever_more"


class TEXT:
    title = "家里有人发烧、咳嗽，马上告诉村医"
    how = (
        "家里谁发烧、咳嗽或者哪里不舒服，直接告诉我：是谁、多少度、有什么不舒服。\n"
        "比如：「孩子发烧38度5，还咳嗽」。我马上告诉村医。"
    )
    told_doctor = "已经告诉村医{name}，村医会尽快给您打电话。"
    told_care = "已经告诉村医{name}和包保干部，村医会马上给您打电话。"
    told_above = "已经报给镇上负责防疫的同志，会尽快给您打电话。"
    told_nobody = "村里还没有村医在这里登记，请马上给村干部或村医打个电话。"
    doctor_phone = "（{phone}）"
    doctor = "村医"
    advice = (
        "请先这样做：\n"
        "1. 在家待着，先别出门，戴上口罩，和家里人分开住。\n"
        "2. 不要去药店找退烧药，等村医来看。\n"
        "3. 烧得厉害、喘不上气，去{clinic}，路上戴好口罩，别坐公交车。"
    )
    advice_isolated = (
        "请先这样做：\n"
        "1. 都在家待着，别出门，病人戴上口罩，单独住一间屋。\n"
        "2. 不要去药店找退烧药，等村医来看。\n"
        "3. 烧得厉害、喘不上气，马上给村医打电话，村里安排车送去{clinic}，别自己去。"
    )
    clinic = "{town}卫生院发热门诊"
    clinic_unknown = "镇卫生院发热门诊"
    ask_village = "您是哪个村的？村医好上门。直接写村名就行，比如：鸣皋"
    ask_phone = "您的手机号是多少？村医好给您打电话。"
    ask_temperature = "{who}量体温了吗？多少度？没量的话回「没量」。"
    temperature_again = "请写多少度，比如：38度5。没量的话回「没量」。"
    no_thermometer = ("没量", "没有量", "没测", "不知道", "不清楚", "没有体温计", "没体温计", "量不了", "没有", "不量")
    more_done = "好的，已经补充告诉村医了。请在家等村医电话，有变化随时告诉我。"
    nothing_new = "好的。请在家等村医电话，能量体温的话量一下，有变化随时告诉我。"
    alert = (
        "【发热报告】{patient}，{village}\n{facts}\n联系电话：{phone}\n请马上打电话问问情况，需要的话安排去{clinic}。"
    )
    more = "【补充】{patient}的发热报告（{village}）：\n{facts}\n联系电话：{phone}"
    patient_self = "{name}（本人报告）"
    patient_other = "{name}家的{who}"
    someone = "一位村民"
    unknown_village = "村子还不知道（正在问）"
    no_phone = "还不知道（正在问）"
    degrees = "体温{value}℃"
    no_degrees = "体温还没量"
    fever = "发烧"
    separator = "、"
    comma = "，"


@lru_cache(maxsize=4)
def _town(path: Path) -> str | None:
    try:
        return read_town_file(path).name
    except TownFileError:
        return None


def clinic(ctx: Context) -> str:
    """The fever clinic at the town health centre: 鸣皋镇卫生院发热门诊."""
    town = _town(Path(ctx.settings.town_file))
    return TEXT.clinic.format(town=town) if town else TEXT.clinic_unknown


def facts(degrees: float | None, symptoms: list[str]) -> str:
    """体温37.9℃，拉肚子 / 发烧，体温还没量，嗓子疼."""
    shown = shown_symptoms(symptoms, degrees)
    if degrees is not None:
        return TEXT.comma.join([TEXT.degrees.format(value=degrees), *shown])
    said_fever = [TEXT.fever] if TEXT.fever in shown else []
    return TEXT.comma.join([*said_fever, TEXT.no_degrees, *(s for s in shown if s != TEXT.fever)])


def doctors(ctx: Context, village_id: int | None) -> list[Holder]:
    """The village's doctor; when none is bound, the work-area lead, else (or with no village) the town command."""
    return responsible_for(ctx.sql, village_id=village_id, roles=DOCTOR) if village_id else town_command(ctx.sql)


def told(holders: list[Holder], *, care: bool = False) -> str:
    """Who was told, as the sender reads it (with the doctor's phone, to call them first if they like)."""
    doctor = next((h for h in holders if h.role == "village_doctor"), None)
    if doctor is not None:
        name = (doctor.name or "") + (TEXT.doctor_phone.format(phone=doctor.phone) if doctor.phone else "")
        return (TEXT.told_care if care else TEXT.told_doctor).format(name=name)
    return TEXT.told_above if holders else TEXT.told_nobody


def advice(ctx: Context, *, isolated: bool = False) -> str:
    return (TEXT.advice_isolated if isolated else TEXT.advice).format(clinic=clinic(ctx))


def send(ctx: Context, key: str, holders: list[Holder], text: str) -> list[list]:
    """An alert to each holder once (key: the occurrence); who was alerted, as [person_id, openid] pairs."""
    unique = {h.person_id: h for h in holders}.values()
    for holder in unique:
        enqueue(
            ctx.sql,
            key=f"{key}:{holder.person_id}",
            recipient_openid=holder.openid,
            kind="alert",
            text=text,
            now=ctx.now,
        )
    return [[h.person_id, h.openid] for h in unique]


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


def ask_more(ctx: Context, slots: dict) -> str:
    """Keep asking what the report still lacks (slots: report, need, patient, alerted, who; checkin)."""
    state = State(flow=MORE, step=slots["need"][0], slots=slots, started_at=ctx.now)
    save_state(ctx.sql, openid=ctx.person.openid, state=state, now=ctx.now)
    ctx.slots = slots
    return FLOW.step(slots["need"][0]).question(ctx)


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
    row = ctx.session.get(FeverReport, slots["report"])
    said = slots.get("temperature") or {}
    if said.get("value") is not None:
        row.temperature = said["value"]
    known = row.symptoms.split(TEXT.separator) if row.symptoms else []
    symptoms = shown_symptoms(known + said.get("symptoms", []), row.temperature)
    row.symptoms = TEXT.separator.join(symptoms)[:200] or None
    row.village_id = slots.get("village") or row.village_id
    _remember(ctx, slots)
    ctx.session.add(row)
    if slots.get("checkin"):
        _update_checkin(ctx, slots["checkin"], row)
    ctx.session.flush()
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
    if slots.get("village"):
        new = [h for h in doctors(ctx, row.village_id) if h.person_id not in {pid for pid, _ in alerted}]
        send(ctx, f"fever:{row.id}:alert", new, TEXT.alert.format(**values, clinic=clinic(ctx)))
    return TEXT.more_done


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
    checkin = ctx.session.get(CheckIn, checkin_id)
    if checkin is not None:
        checkin.temperature, checkin.symptoms = row.temperature, row.symptoms
        ctx.session.add(checkin)


FLOW = Flow(
    name=MORE,
    title=TEXT.title,
    steps=(
        Step("village", "村", TEXT.ask_village, parse_village, skip=_skip("village")),
        Step("phone", "电话", TEXT.ask_phone, parse_phone, skip=_skip("phone")),
        Step("temperature", "体温", _ask_temperature, parse_temperature, skip=_skip("temperature")),
    ),
    finish=finish_more,
)

# The menu's 发烧报告 and the words typed for it: say what to send (the message itself is the report).
MENU = Flow(
    name="report_fever",
    title=TEXT.title,
    steps=(),
    finish=lambda ctx: TEXT.how,
    entry_words=("发烧报告", "发热报告", "发烧上报", "发热上报"),
    entry_keys=("FEVER",),
)
