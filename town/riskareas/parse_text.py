"""The 2021 plain-text notice: a time line, level headers, province headers (either colon), one area a line."""

from __future__ import annotations

import re

from town.riskareas import places
from town.riskareas.entries import Entry, ParsedList, RiskListError, shanghai_time
from town.riskareas.normalise import Divisions
from town.riskareas.texts import ERROR

_TIME = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日(\d{1,2})时")
_LEVEL = re.compile(r"^(高|中|低)风险(?:地区|区域)?\s*[（(]\s*\d+\s*个\s*[）)]\s*$")
_PROVINCE = re.compile(r"^([^：:\d]{2,12})\s*[：:]\s*\d+\s*个\s*$")
LEVEL_WORDS = {"高": "high", "中": "medium", "低": "low"}


def parse_text(text: str, source: str, div: Divisions) -> ParsedList:
    """Every entry of the notice, or RiskListError naming every line that cannot be read."""
    errors: list[tuple[int, str]] = []
    published = None
    level = province = None
    entries: list[Entry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if published is None and (when := _TIME.search(line)):
            published = shanghai_time(*(int(part) for part in when.groups()))
            continue
        if header := _LEVEL.match(line):
            level, province = LEVEL_WORDS[header.group(1)], None
            continue
        if header := _PROVINCE.match(line):
            try:
                province = places.province(div, header.group(1))
            except places.PlaceError as exc:
                errors.append((number, ERROR.at.format(problem=exc, text=line)))
                province = None
            continue
        entry, error = _entry(div, level, province, line, number)
        if error:
            errors.append((number, error))
        else:
            entries.append(entry)
    if published is None:
        errors.append((1, ERROR.text_time))
    if not entries and not errors:
        errors.append((1, ERROR.empty))
    if errors:
        raise RiskListError(source, errors)
    return ParsedList(source, published, entries)


def _entry(div: Divisions, level: str | None, province: str | None, line: str, number: int):
    """(Entry, None) or (None, the reason)."""
    if level is None:
        return None, ERROR.text_level.format(line=line)
    if province is None:
        return None, ERROR.text_province.format(line=line)
    try:
        place = places.line(div, province, line)
    except places.PlaceError as exc:
        return None, ERROR.at.format(problem=exc, text=line)
    fields = (place.city, place.district, place.township, place.community, place.whole_area)
    return Entry(level, province, *fields, raw=line, line=number), None
