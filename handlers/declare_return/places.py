"""Where the returnee came from: down to the district (or abroad), and the street where the district is listed."""

from __future__ import annotations

import re

from bot.dialogue import Context, words
from bot.dialogue.flow import Parsed, accept, reask
from handlers.declare_return.texts import TEXT

PARTIAL = "_origin_partial"
ENTRY_SLOTS = ("entered_on", "port_city", "port_quarantine_days")  # asked of a return from abroad only
_UNKNOWN_WORDS = ("不知道", "不清楚", "不记得", "忘了", "不晓得", "没有", "不确定")
_LIVES_AT = re.compile(r"^(我家|俺家|我|俺|家|他|她|孩子)?(住在|住|在|是)")
_SUFFIX = re.compile(r"(街道办事处|街道|办事处|镇|乡)$")


def said(text: str, ctx: Context) -> dict:
    """Every slot the NLU finds in the text, whatever intent it decided."""
    found = ctx.understand(text)
    return {**found.secondary, **found.slots}


def who(ctx: Context) -> str:
    """您, or the family member being declared for (孩子)."""
    return ctx.slots.get("relation") or TEXT.you


def whose(ctx: Context) -> str:
    relation = ctx.slots.get("relation")
    return TEXT.his.format(who=relation) if relation else TEXT.yours


def complete(origin: dict | None) -> bool:
    return bool(origin) and bool(origin.get("abroad") or origin.get("district"))


def place(origin: dict) -> str:
    if origin.get("abroad"):
        return TEXT.abroad
    return (origin.get("city") or origin.get("province") or "") + (origin.get("district") or "")


def ask_origin(ctx: Context) -> str:
    partial = ctx.slots.get(PARTIAL)
    return _district_question(partial) if partial else TEXT.ask_origin.format(who=who(ctx))


def _district_question(partial: dict) -> str:
    example = TEXT.example_in_city if partial.get("city") == "郑州市" else TEXT.examples
    which = TEXT.which_district if partial.get("city") else TEXT.which_city_and_district
    return TEXT.origin_district.format(place=place(partial), which=which, example=example)


def parse_origin(text: str, ctx: Context) -> Parsed:
    """Down to the district (or abroad); a province or city alone asks for the district."""
    origin = said(text, ctx).get("origin")
    partial = ctx.slots.get(PARTIAL)
    if not complete(origin) and partial and not ctx.correcting:
        # 「二七区」 after 「郑州」: read the two together.
        origin = said(place(partial) + words.normalize(text), ctx).get("origin") or origin
    if complete(origin):
        old = ctx.slots.get("origin") or {}
        if old.get("district") != origin.get("district") or old.get("city") != origin.get("city"):
            ctx.slots.pop("street", None)  # the street belonged to the old district
        if not origin.get("abroad"):
            for slot in ENTRY_SLOTS:  # the entry belonged to a return from abroad
                ctx.slots.pop(slot, None)
        ctx.slots.pop(PARTIAL, None)
        if street := listed_street(text, ctx, origin):  # 「郑州二七区长江路街道」: the street is not asked again
            ctx.slots["street"] = street
        return accept(origin)
    if origin and not ctx.correcting:
        return reask(_district_question(origin), **{PARTIAL: origin})
    return reask(TEXT.origin_again)


def _chain(origin: dict) -> tuple[str, str, str] | None:
    chain = (origin.get("province"), origin.get("city"), origin.get("district"))
    return chain if all(chain) and not origin.get("abroad") else None


def _listed(ctx: Context, origin: dict | None = None) -> list:
    """The listed entries of the origin district with a street/township, in list order.

    From the newest list, as the classification on submit reads it: a list imported a moment ago is asked about.
    """
    chain = _chain(origin or ctx.slots.get("origin") or {})
    index = ctx.risk.current(ctx.session, latest=True)[0] if ctx.risk and chain else None
    return [e for e in index.entries_in_district(*chain) if e.township] if index else []


def _townships(ctx: Context) -> list[str]:
    return list(dict.fromkeys(e.township for e in _listed(ctx)))


def listed_street(text: str, ctx: Context, origin: dict | None = None) -> str | None:
    """The listed street the text names, by name (with or without 街道/镇) or by one of its listed communities."""
    answer = _LIVES_AT.sub("", words.bare(text))
    listed = _listed(ctx, origin)
    for township in dict.fromkeys(e.township for e in listed):
        if township in answer or _SUFFIX.sub("", township) in answer:
            return township
    for entry in listed:  # 「海豫花园小区」: the listed community names its street
        if entry.community and len(answer) >= 3 and (answer in entry.community or entry.community in answer):
            return entry.township
    return None


def skip_street(ctx: Context) -> bool:
    return not _townships(ctx)


def ask_street(ctx: Context) -> str:
    examples = TEXT.separator.join(_townships(ctx)[:3])
    return TEXT.ask_street.format(place=place(ctx.slots["origin"]), who=who(ctx), examples=examples)


def parse_street(text: str, ctx: Context) -> Parsed:
    """A listed street by name (with or without 街道/镇), any other street as written, or 不知道."""
    answer = _LIVES_AT.sub("", words.bare(text))
    if any(word in answer for word in _UNKNOWN_WORDS):
        return accept(None)
    if listed := listed_street(text, ctx):
        return accept(listed)
    if re.fullmatch(r"[\u4e00-\u9fff]{2,20}", answer):
        return accept(answer)
    return reask(TEXT.street_again.format(examples=TEXT.separator.join(_townships(ctx)[:3])))


def origin_text(slots: dict) -> str:
    return place(slots["origin"]) + (slots.get("street") or "")
