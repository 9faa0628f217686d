"""红白事报备: a household reports a wedding, funeral or banquet; the village cadre hears; the reply gives the rules."""

from __future__ import annotations

import datetime as dt
import re

from bot.dialogue import Context, Flow, Parsed, Step, accept, reask, words
from bot.dialogue import texts as common
from bot.dialogue.fields import parse_name, parse_phone, parse_village, village_name
from bot.nlu import resources
from bot.nlu.dates import find_date
from bot.nlu.numbers import CN_DIGITS, number_range
from handlers.events.texts import LABELS, TEXT
from models.cadre import Holder
from models.event import EventReport, add_event_report
from models.person import update_profile
from town import command
from town.alerts import send_alert
from town.clock import day
from town.policy import load_policy
from town.policy.rules import EventRule
from town.texts import EVENT_NAMES

_UNDECIDED = ("没定", "还没定", "不确定", "不知道", "没想好", "还没想好", "待定", "再说")
_UNKNOWN = ("不知道", "不清楚", "说不准", "不好说", "没数", "不确定")
_OTHER = ("酒席", "别的", "其他", "其它", "宴", "酒", "满月", "寿", "请客")
# Bounded and starting where a run starts: an open-ended run searched in 20,000 digits took 30 s.
_NUM = rf"((?<!\d)\d{{1,6}}|(?<![{CN_DIGITS}])[{CN_DIGITS}]{{1,8}})"
_COUNT = re.compile(rf"{_NUM}\s*(多|来|几)?\s*(个人|人|口|位|桌|席)")
_BARE_COUNT = re.compile(rf"^(大概|大约|约|差不多)?{_NUM}(多|来)?(个|位)?(吧|左右)?$")
_TENS = re.compile(r"^([一二三四五六七八九]{2})十$")  # 五六十: fifty or sixty
GUESTS_PER_TABLE = 10  # a village banquet table seats about ten


def kind_in(text: str) -> str | None:
    """wedding, funeral or other (满月酒, 升学宴…) as the text says, or None."""
    said = words.bare(text)
    table = resources.get().words
    for kind in ("wedding", "funeral"):
        if any(word in said for word in table[kind]):
            return kind
    return "other" if any(w in said for w in (*table["event_other"], *_OTHER)) else None


def guests_in(text: str) -> int | None:
    """How many people: 「五六十个人」 60, 「摆十桌」 100, 「30来人」 30; None when no count is said."""
    said = words.bare(text)
    found = _COUNT.search(said)
    if found:
        count = _upper(found.group(1))
        if count:
            return count * (GUESTS_PER_TABLE if found.group(3) in ("桌", "席") else 1)
    bare = _BARE_COUNT.match(said)
    return _upper(bare.group(2)) if bare else None


def _upper(numeral: str) -> int | None:
    """The higher end of a numeral: 「五六十」 60, 「三四」 4, 「20」 20."""
    tens = _TENS.match(numeral)
    if tens:
        numeral = tens.group(1)
    span = number_range(numeral)
    return int(span[1]) * (10 if tens else 1) if span else None


def parse_kind(text: str, ctx: Context) -> Parsed:
    kind = kind_in(text)
    return accept(kind) if kind else reask(TEXT.kind_again)


def parse_date(text: str, ctx: Context) -> Parsed:
    said = words.bare(text)
    if not ctx.correcting and any(word in said for word in _UNDECIDED):
        return accept(None)
    date = find_date(said, ctx.today, future=True)
    if date is None:
        return reask(TEXT.date_again)
    if date < ctx.today:
        return reask(TEXT.date_past.format(date=day(date)))
    return accept(date.isoformat())


def parse_guests(text: str, ctx: Context) -> Parsed:
    if not ctx.correcting and any(word in words.bare(text) for word in _UNKNOWN):
        return accept(None)
    guests = guests_in(text)
    return accept(guests) if guests is not None and 0 < guests < 10000 else reask(TEXT.guests_again)


def parse_place(text: str, ctx: Context) -> Parsed:
    place = re.sub(r"^(就|打算|准备)?(在|搁)", "", words.normalize(text).strip("。.，, "))
    return accept(place[:200]) if len(words.bare(place)) >= 2 or place == "家" else reask(TEXT.place_again)


def prefill(ctx: Context, first_text: str | None, restart: bool) -> dict:
    """The profile, and what the first message says: the kind, the day, how many people."""
    person = ctx.person
    slots = {k: v for k, v in {"name": person.name, "phone": person.phone, "village": person.village_id}.items() if v}
    said = words.without_request_fillers(words.bare(first_text or ""))
    if restart or not said or any(said == words.without_request_fillers(w) for w in FLOW_WORDS):
        return slots
    slots["_text"] = first_text.strip()[:1000]
    found = ctx.understand(first_text)
    kind = found.slots.get("event") or found.secondary.get("event") or kind_in(first_text)
    if kind:
        slots["kind"] = kind
    date = found.slots.get("date") or found.secondary.get("date")
    if date and date >= ctx.today.isoformat():
        slots["event_on"] = date
    if (guests := guests_in(first_text)) is not None:
        slots["guests"] = guests
    return slots


def _date(value: str | None) -> str:
    if not value:
        return TEXT.undecided
    date = dt.date.fromisoformat(value)
    return TEXT.weekday.format(date=day(date), day=TEXT.weekdays[date.weekday()])


def _guests(value: int | None) -> str:
    return TEXT.guests.format(n=value) if value else TEXT.unknown_guests


def summary(ctx: Context) -> str:
    s = ctx.slots
    return TEXT.summary.format(
        kind=EVENT_NAMES[s["kind"]],
        date=_date(s.get("event_on")),
        guests=_guests(s.get("guests")),
        place=s["place"],
        name=s["name"],
        phone=s["phone"],
        village=village_name(ctx, s["village"]),
    )


def _described(ctx: Context) -> str:
    """The report in one line, when the household only sent the entry word."""
    s = ctx.slots
    return "，".join((EVENT_NAMES[s["kind"]], _date(s.get("event_on")), _guests(s.get("guests")), s["place"]))


def rule_for(ctx: Context, kind: str) -> EventRule | None:
    """The town's rule for this kind of gathering, from the policy file."""
    policy = ctx.risk.policy if ctx.risk is not None else load_policy(ctx.settings.policy_file)
    return policy.events.get(kind)


def over_limit(rule: EventRule | None, guests: int | None) -> bool:
    return rule is not None and rule.max_guests > 0 and guests is not None and guests > rule.max_guests


def finish(ctx: Context) -> str:
    """Store the report, alert the village cadre (or those above), and tell the household the rules."""
    s = ctx.slots
    report = EventReport(
        person_id=ctx.person.id,
        village_id=s["village"],
        kind=s["kind"],
        event_on=dt.date.fromisoformat(s["event_on"]) if s.get("event_on") else None,
        guests=s.get("guests"),
        place=s["place"],
        text=s.get("_text") or _described(ctx),
        created_at=ctx.now,
    )
    add_event_report(ctx.session, report=report)
    missing = {k: s[k] for k, col in (("name", "name"), ("phone", "phone")) if not getattr(ctx.person, col)}
    if not ctx.person.village_id:
        missing["village_id"] = s["village"]
    if missing:
        update_profile(ctx.sql, person=ctx.person, **missing)
    rule = rule_for(ctx, s["kind"])
    cadres = command.responsible(ctx.sql, village_id=s["village"], roles=command.VILLAGE_CADRE)
    _alert(ctx, report, rule, cadres)
    return TEXT.done.format(advice=_advice(rule), over=_over(rule, s.get("guests")), contact=_contact(cadres))


def _advice(rule: EventRule | None) -> str:
    return rule.advice.format(max_guests=rule.max_guests) if rule else TEXT.no_policy


def _over(rule: EventRule | None, guests: int | None) -> str:
    if rule is not None and rule.max_guests == 0:
        return TEXT.not_held
    return TEXT.over.format(guests=guests, limit=rule.max_guests) if over_limit(rule, guests) else ""


def _contact(cadres: list[Holder]) -> str:
    cadre = next((c for c in cadres if c.role == "village_cadre" and c.name and c.phone), None)
    return TEXT.contact.format(name=cadre.name, phone=cadre.phone) if cadre else TEXT.contact_no_phone


def _alert(ctx: Context, report: EventReport, rule: EventRule | None, cadres: list[Holder]) -> None:
    s = ctx.slots
    over = over_limit(rule, s.get("guests"))
    not_held = rule is not None and rule.max_guests == 0
    note = TEXT.alert_over.format(kind=EVENT_NAMES[s["kind"]], limit=rule.max_guests) if over else ""
    text = TEXT.alert.format(
        urgent=TEXT.urgent if over else "",
        number=report.id,
        name=s["name"],
        phone=s["phone"],
        village=village_name(ctx, s["village"]),
        kind=EVENT_NAMES[s["kind"]],
        date=_date(s.get("event_on")),
        guests=_guests(s.get("guests")),
        place=s["place"],
        over=note or (TEXT.alert_not_held if not_held else ""),
        rule=_advice(rule),
    )
    for cadre in {c.person_id: c for c in cadres}.values():
        key = f"event:{report.id}:alert:{cadre.person_id}"
        send_alert(
            ctx.sql, key=key, recipient_openid=cadre.openid, text=text, now=ctx.now, origin_openid=ctx.person.openid
        )


FLOW_WORDS = ("红白事报备", "红白事", "红事报备", "白事报备", "喜事报备", "丧事报备", "酒席报备")
FLOW = Flow(
    name="report_event",
    title=TEXT.title,
    entry_words=FLOW_WORDS,
    entry_keys=("EVENT",),
    entry_intents=("report_event",),
    steps=(
        Step("kind", LABELS["kind"], TEXT.ask_kind, parse_kind),
        Step("event_on", LABELS["event_on"], TEXT.ask_date, parse_date),
        Step("guests", LABELS["guests"], TEXT.ask_guests, parse_guests),
        Step("place", LABELS["place"], TEXT.ask_place, parse_place, recognisable=False),
        Step("name", LABELS["name"], common.ASK_NAME, parse_name, recognisable=False),
        Step("phone", LABELS["phone"], common.ASK_PHONE, parse_phone),
        Step("village", LABELS["village"], common.ASK_VILLAGE, parse_village),
    ),
    summary=summary,
    finish=finish,
    prefill=prefill,
)
