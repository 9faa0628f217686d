"""Back from abroad: the entry date, the port city and the central days already done there (「在上海隔离了十四天」)."""

from __future__ import annotations

import datetime as dt
import re

from bot.dialogue import Context, words
from bot.dialogue.flow import Parsed, accept, reask
from bot.nlu.dates import find_date
from bot.nlu.numbers import NUM, to_number
from handlers.declare_return.places import said, who
from handlers.declare_return.texts import TEXT
from town.clock import day

ENTRY = "入境"
MAX_PORT_DAYS = 28  # more than any port's central quarantine: a slip, asked again
_CLAUSES = re.compile(r"[，,。.；;！!？?\s]+")
_ARRIVED = ("到家", "回来", "回到", "到的家", "回的家", "到村", "到咱", "到俺", "回家")
_VIA = re.compile(r".*(?:从|在|经|由|走)")
_PORT_TAIL = re.compile(r"(?:的)?(?:陆路口岸|口岸|国际机场|机场|港口|港|站|市)+(?:的)?$")
_NAME = re.compile(r"[\u4e00-\u9fff]{2,6}")
_NONE = re.compile(r"没(?:有)?(?:集中)?隔|不用隔|没让隔|直接回|一天(?:也|都)没|^没有?$|^无$")
_WEEKS = re.compile(rf"({NUM})\s*(?:个)?(?:周|星期|礼拜)")
_DAYS = re.compile(rf"({NUM})\s*(?:天|日)")
_BARE = re.compile(rf"^({NUM})$")
_QUARANTINED_IN = re.compile(r"在([\u4e00-\u9fff]{2,8}?)(?:市)?(?:的)?(?:酒店|宾馆|隔离点)?(?:集中)?隔离")
_UNKNOWN = ("不记得", "不知道", "忘了", "不清楚", "记不住", "不晓得")


def abroad(ctx: Context) -> bool:
    return bool((ctx.slots.get("origin") or {}).get("abroad"))


def skip(ctx: Context) -> bool:
    """Asked only of a returnee from abroad."""
    return not abroad(ctx)


def _not_meant(text: str, ctx: Context, word: str) -> bool:
    """A correction (「不对，是8月5日」) names these only when from abroad and with the word (入境, 隔离)."""
    return ctx.correcting and (not abroad(ctx) or word not in text)


def ask_entered(ctx: Context) -> str:
    return TEXT.ask_entered.format(who=who(ctx))


def parse_entered(text: str, ctx: Context) -> Parsed:
    """The day of entry: on or before the arrival home; 「不记得」 counts from the arrival."""
    if _not_meant(text, ctx, ENTRY):
        return reask(TEXT.entered_again)
    if not ctx.correcting and any(word in words.bare(text) for word in _UNKNOWN):
        return accept(None)
    found = find_date(words.normalize(text), ctx.today)
    if found is None:
        return reask(TEXT.entered_again)
    arrived = ctx.slots.get("arrived_on")
    if arrived and found.isoformat() > arrived:
        return reask(TEXT.entered_after_arrival.format(arrived=day(dt.date.fromisoformat(arrived))))
    return accept(found.isoformat())


def ask_port(ctx: Context) -> str:
    return TEXT.ask_port.format(who=who(ctx))


def parse_port(text: str, ctx: Context) -> Parsed:
    if _not_meant(text, ctx, ENTRY):
        return reask(TEXT.port_again)
    found = port_city(words.normalize(text), ctx)
    return accept(found) if found else reask(TEXT.port_again)


def port_city(text: str, ctx: Context) -> str | None:
    """The city named before 入境 (or the whole answer): 上海, 广州, 绥芬河."""
    before = text.split(ENTRY)[0] if ENTRY in text else text
    candidate = _PORT_TAIL.sub("", _VIA.sub("", words.bare(before)))
    origin = said(candidate, ctx).get("origin") if candidate else None
    if origin and origin.get("abroad"):
        return None  # 「从美国入境」 names the country, not the port
    if origin:
        district = origin.get("district") or ""
        name = district if district.endswith("市") else origin.get("city") or origin.get("province") or ""
        return re.sub(r"市$", "", name) or None
    return candidate if candidate and _NAME.fullmatch(candidate) else None


def ask_port_days(ctx: Context) -> str:
    return TEXT.ask_port_days.format(who=who(ctx), port=ctx.slots.get("port_city") or TEXT.port_somewhere)


def parse_port_days(text: str, ctx: Context) -> Parsed:
    if _not_meant(text, ctx, "隔离"):
        return reask(TEXT.port_days_again)
    found = port_days(words.normalize(text))
    return accept(found) if found is not None else reask(TEXT.port_days_again)


def port_days(text: str) -> int | None:
    """Days of central quarantine: 「十四天」, 「两周」, 「14」, 「没隔离」 (0); None when not said."""
    answer = words.bare(text)
    if _NONE.search(answer):
        return 0
    if "隔离" in answer:  # 「7月20日入境 隔离了十四天」: the days are said after it, a date may come before
        answer = answer[answer.index("隔离") :]
    for pattern, unit in ((_WEEKS, 7), (_DAYS, 1), (_BARE, 1)):
        found = pattern.search(answer)
        value = to_number(found.group(1)) if found else None
        if value is not None and value.is_integer() and 0 <= value * unit <= MAX_PORT_DAYS:
            return int(value) * unit
    return None


def entry_facts(slots: dict) -> dict:
    """The entry as stored and classified: date, port city, central days done there (all None when not abroad)."""
    if not (slots.get("origin") or {}).get("abroad"):
        return {"entry_date": None, "port_city": None, "port_quarantine_days": None}
    entered = slots.get("entered_on")
    return {
        "entry_date": dt.date.fromisoformat(entered) if entered else None,
        "port_city": slots.get("port_city"),
        "port_quarantine_days": slots.get("port_quarantine_days"),
    }


def summary_line(slots: dict) -> str:
    """「\n入境：7月20日从上海入境，在上海集中隔离了14天」 for the summary and the alert; empty when not abroad."""
    facts = entry_facts(slots)
    if not (slots.get("origin") or {}).get("abroad"):
        return ""
    port = facts["port_city"] or TEXT.port_somewhere
    entered = day(facts["entry_date"]) or TEXT.not_given
    days = facts["port_quarantine_days"]
    done = TEXT.port_done.format(port=port, days=days) if days else TEXT.port_none
    return TEXT.entry_line.format(day=entered, port=port, done=done)


def prefill(text: str, ctx: Context, *, from_abroad: bool = False) -> dict:
    """What a first message about a return from abroad says: the entry date and port, the days done there, the
    arrival. 入境 marks the entry clause; without it (「上个月20号从美国回来 在上海隔离了十四天 昨天到的家」) the
    first dated clause is the entry when a later one says the arrival home."""
    if ENTRY not in text and not from_abroad:
        return {}
    slots: dict = {"origin": {"abroad": True}}
    clauses = list(filter(None, _CLAUSES.split(words.normalize(text))))
    entry_at = next((i for i, clause in enumerate(clauses) if ENTRY in clause), None)
    if entry_at is None:
        dated = [i for i, clause in enumerate(clauses) if find_date(clause, ctx.today) is not None]
        entry_at = dated[0] if len(dated) > 1 else None
    for i, clause in enumerate(clauses):
        if i == entry_at:
            if (entered := find_date(clause, ctx.today)) is not None:
                slots["entered_on"] = entered.isoformat()
            if ENTRY in clause and (port := port_city(clause, ctx)):
                slots["port_city"] = port
        elif "隔离" in clause:
            if (days := port_days(clause)) is not None:
                slots["port_quarantine_days"] = days
            if "port_city" not in slots and (port := _quarantined_in(clause, ctx)):
                slots["port_city"] = port
        elif any(word in clause for word in _ARRIVED) and (arrived := find_date(clause, ctx.today)):
            slots["arrived_on"] = arrived.isoformat()
    if slots.get("arrived_on", "9999") < slots.get("entered_on", ""):
        slots.pop("entered_on")  # an entry after the arrival is a misreading: asked
    return slots


def _quarantined_in(clause: str, ctx: Context) -> str | None:
    """The city of 「在上海集中隔离了十四天」."""
    found = _QUARANTINED_IN.search(words.bare(clause))
    return port_city(found.group(1), ctx) if found else None
