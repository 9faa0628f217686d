"""风险查询: is a place on the latest medium/high-risk list? Answered in one message from the imported version."""

from __future__ import annotations

import re

from bot.dialogue import Answer, Context, words
from handlers.query_risk.texts import TEXT
from models.cadre import holders
from models.riskarea import high_areas, list_counts, listed_counts
from town.clock import day_hour
from town.command import VILLAGE_CADRE
from town.riskareas.age import stale_note
from town.riskareas.entries import RANK, Entry
from town.riskareas.texts import LEVEL_NAMES

SHOWN = 3  # areas named per level before 「等N处」
_BACK = ("回来", "回家", "到家", "返乡", "回村", "来的")
_SUFFIX = re.compile(r"(街道办事处|街道|办事处|镇|乡)$")


def _when(published) -> str:
    return day_hour(published) if published is not None else TEXT.unknown_when


def _place_name(place: dict) -> str:
    return (place.get("city") or place.get("province") or "") + (place.get("district") or "")


def _area(entry: Entry, *, with_place: bool = False) -> str:
    """An entry as people say it: the street and community (with the city and district when listing the country)."""
    city = ("" if entry.city == entry.province else entry.city) if with_place else ""
    if not entry.township:
        return city + TEXT.whole_district.format(district=entry.district)
    whole = TEXT.whole_area if entry.whole_area else ""
    return city + (entry.district if with_place else "") + entry.township + (entry.community or "") + whole


def _areas(areas: list[str]) -> str:
    shown = TEXT.separator.join(areas[:SHOWN])
    return shown + (TEXT.more.format(n=len(areas)) if len(areas) > SHOWN else "")


def _levels(entries: list[Entry]) -> str:
    lines = []
    for level in ("high", "medium"):
        areas = [_area(e) for e in entries if e.level == level]
        if areas:
            lines.append(TEXT.level_line.format(level=LEVEL_NAMES[level], areas=_areas(areas)))
    return "\n".join(lines)


def _mentioned(entries: list[Entry], text: str) -> list[Entry]:
    """The entries whose street (with or without 街道/镇) or community the question names."""
    said = words.bare(text)
    found = []
    for entry in entries:
        names = (entry.township, _SUFFIX.sub("", entry.township or ""), entry.community)
        if any(name and len(name) >= 2 and name in said for name in names):
            found.append(entry)
    return found


def _district(index, place: dict, when: str, text: str) -> str:
    name = _place_name(place)
    listed = index.entries_in_district(place["province"], place["city"], place["district"])
    entries = [e for e in listed if e.level in ("high", "medium")]
    if not entries:
        return TEXT.not_listed.format(when=when, place=name)
    whole = next((e for e in entries if not e.township), None)
    if whole is not None and all(RANK[e.level] <= RANK[whole.level] for e in entries):
        return TEXT.whole.format(when=when, place=name, level=LEVEL_NAMES[whole.level]) + "\n" + TEXT.nudge
    asked = _mentioned(entries, text) or entries
    reply = TEXT.listed.format(when=when, place=name, count=len(asked), levels=_levels(asked))
    return f"{reply}\n{TEXT.nudge}"


def _summary(ctx: Context, list_id: int, place: dict, when: str) -> str:
    """A city by its districts, or a province by its cities: how many areas each has, per level."""
    by_city = not place.get("city")
    rows = listed_counts(ctx.sql, list_id=list_id, province=place["province"], city=None if by_city else place["city"])
    name = _place_name(place)
    if not rows:
        return TEXT.not_listed.format(when=when, place=name)
    counts: dict[str, dict[str, int]] = {}
    for part, level, n in rows:
        counts.setdefault(part, {})[level] = n
    parts = "\n".join(TEXT.part.format(name=part, counts=_counts(found)) for part, found in counts.items())
    first = next(iter(counts))
    reply = TEXT.summary.format(
        when=when,
        place=name,
        which=TEXT.which_cities if by_city else TEXT.which_districts,
        parts=parts,
    )
    closer = TEXT.ask_closer.format(example=first if by_city else name + first)
    return f"{reply}\n{TEXT.nudge}\n{closer}"


def _counts(found: dict[str, int]) -> str:
    """高风险1处，中风险2处."""
    levels = [level for level in ("high", "medium") if level in found]
    return TEXT.comma.join(TEXT.count.format(level=LEVEL_NAMES[level], n=found[level]) for level in levels)


def _latest(ctx: Context, list_id: int, when: str) -> str:
    high, medium = list_counts(ctx.sql, list_id=list_id)
    lines = [TEXT.latest.format(when=when, high=high, medium=medium)]
    rows = high_areas(ctx.sql, list_id=list_id, limit=SHOWN + 1)
    if rows:
        areas = [_area(Entry(*row[:6], bool(row[6])), with_place=True) for row in rows][:SHOWN]
        shown = TEXT.separator.join(areas) + (TEXT.more.format(n=high) if high > SHOWN else "")
        lines.append(TEXT.highs.format(areas=shown))
    lines.append(TEXT.how_to_ask)
    return "\n".join(lines)


def _no_list(ctx: Context) -> str:
    village = ctx.person.village_id
    cadre = (
        next((h for h in holders(ctx.sql, village_id=village, roles=VILLAGE_CADRE) if h.name and h.phone), None)
        if village
        else None
    )
    return TEXT.no_list + (TEXT.ask_cadre.format(name=cadre.name, phone=cadre.phone) if cadre else "")


def answer(ctx: Context, text: str, understood) -> str:
    """The place's listed areas, a city's districts, or the latest list's counts."""
    place = (understood.slots.get("place") if understood else None) or {}
    if place.get("abroad"):
        return TEXT.abroad
    index, info = ctx.risk.current(ctx.session, latest=True) if ctx.risk else (None, None)
    if index is None or info is None:
        return _no_list(ctx)
    when = _when(info.published_at)
    note = stale_note(info.published_at, ctx.now, ctx.risk.policy.risk_list_max_age_days)
    if place.get("district") and place.get("city"):
        reply = _district(index, place, when, text)
    elif place.get("province"):
        reply = _summary(ctx, info.id, place, when)
    else:
        return _stale(_latest(ctx, info.id, when), note)
    came_back = any(word in words.bare(text) for word in _BACK)
    return _stale(reply if TEXT.nudge in reply or not came_back else f"{reply}\n{TEXT.nudge_back}", note)


def _stale(reply: str, note: str) -> str:
    """The answer, and what its list's age means when it is old."""
    return f"{reply}\n{note}" if note else reply


ANSWER = Answer(name="query_risk", intents=("query_risk",), run=answer, aside=True)
