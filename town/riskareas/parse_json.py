"""The 2022 API JSON: data.end_update_time and highlist/middlelist/lowlist of {province, city, county, communitys}."""

from __future__ import annotations

import json
import re

from town.riskareas import places
from town.riskareas.entries import Entry, ParsedList, RiskListError, shanghai_time
from town.riskareas.normalise import Divisions
from town.riskareas.texts import ERROR

LISTS = {"highlist": "high", "middlelist": "medium", "lowlist": "low"}
_TIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})\s*(\d{1,2})")


def parse_json(text: str, source: str, div: Divisions) -> ParsedList:
    """Every community of every list, or RiskListError naming every bad one by line."""
    try:
        data = json.loads(text)["data"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        line = getattr(exc, "lineno", 1)
        raise RiskListError(source, [(line, ERROR.json.format(exc=exc))]) from exc
    errors: list[tuple[int, str]] = []
    when = _TIME.match(str(data.get("end_update_time", "")))
    published = shanghai_time(*(int(part) for part in when.groups())) if when else None
    if published is None:
        errors.append((_line_of(text, "end_update_time"), ERROR.json_time))
    entries: list[Entry] = []
    for name, level in LISTS.items():
        for area in data.get(name) or []:
            _area(div, text, level, area, entries, errors)
    if errors:
        raise RiskListError(source, errors)
    return ParsedList(source, published, entries)


def _area(div: Divisions, text: str, level: str, area: dict, entries: list[Entry], errors: list) -> None:
    """The entries of one county block, or its errors."""
    communities = area.get("communitys") or []
    for community in communities:
        number = _line_of(text, json.dumps(community, ensure_ascii=False))
        raw = f"{area.get('area_name', '')} {community}".strip()
        try:
            prov = places.province(div, str(area.get("province", "")))
            place = places.api_area(div, prov, str(area.get("city", "")), str(area.get("county", "")), community)
        except places.PlaceError as exc:
            errors.append((number, ERROR.at.format(problem=exc, text=raw)))
            continue
        fields = (place.city, place.district, place.township, place.community, place.whole_area)
        entries.append(Entry(level, prov, *fields, raw=raw, line=number))
    if not communities:
        errors.append(
            (_line_of(text, str(area.get("area_name", ""))), ERROR.json_communities.format(name=area.get("area_name")))
        )


def _line_of(text: str, needle: str) -> int:
    """The line where the published text first shows this value (1 when it cannot be found)."""
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1
